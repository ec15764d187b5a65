/** An image platform as oc spells it and `--filter-by-os` matches it. Pure. */

/** `os/arch[/variant]`, as oc prints a platform. */
export function platformString(p: { os: string; architecture: string; variant?: string | undefined }): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
