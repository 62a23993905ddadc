/** What a refused update said: its failure type, first detail (field, deadline …) and message. */
export interface Refusal {
  type: string;
  details: Record<string, string> | undefined;
  message: string;
}

/** Resolves to the refusal behind a failed update, or undefined when the update succeeded. */
export function refusalOf(p: Promise<unknown>): Promise<Refusal | undefined> {
  return p.then(
    () => undefined,
    (e: any) => ({ type: e.cause?.type as string, details: e.cause?.details?.[0] as Record<string, string> | undefined, message: e.cause?.message as string }),
  );
}
