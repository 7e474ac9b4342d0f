// Tables of migrations/0018-configuration-delivery.ts; schema.ts adds them to Schema.

export interface DeviceConfigurationAssignmentsTable {
  configuration_id: string;
  id: string;
  /** JSON: AssignmentTarget (core/assignments/targets.ts). */
  target: string;
  /** Order of the assign request. */
  position: number;
}

/** One profile on one device: what was sent and what the device said. */
export interface DeviceConfigurationStatesTable {
  device_id: string;
  configuration_id: string;
  version: number;
  /** DeliveryStatus: pending, succeeded, error, notApplicable, removing, removalFailed. */
  status: string;
  error_detail: string | null;
  /** JSON array: DeliverySettingState[]. */
  setting_states: string;
  command_uuid: string | null;
  /** JSON: DeliveryRemoval, or null when nothing was sent. */
  removal: string | null;
  last_reported_at: string;
  device_name: string | null;
  device_model: string | null;
  user_name: string | null;
  user_principal_name: string | null;
}
