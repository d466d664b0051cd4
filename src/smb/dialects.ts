/** SMB dialect names as users give them ('NT1' = NT LM 0.12), lowest first. Kept light: the CLI loads it at start. */
export const SMB_DIALECTS = ['NT1', '2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'] as const;
/** One SMB dialect name as users give it. */
export type SmbDialectName = (typeof SMB_DIALECTS)[number];
