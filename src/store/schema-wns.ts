// Columns of migrations/0017-wns.ts on windows_enrollments.

export interface WindowsEnrollmentWnsColumns {
  /** The PFN the PC accepted in DMClient Provider/…/Push/PFN. */
  wns_pfn: string | null;
  /** The WNS channel URI the PC last reported; null until it reports one or after WNS said it expired. */
  wns_channel_uri: string | null;
  wns_channel_status: string | null;
  wns_channel_at: string | null;
}
