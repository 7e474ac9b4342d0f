// device_inventory.windows, added by migrations/0014-windows-inventory.ts; schema.ts adds it to
// the device_inventory table.

export interface WindowsInventoryColumn {
  /** JSON object: WindowsFacts (core/windows/inventory-ports.ts). */
  windows: string | null;
}
