import { Writable } from 'node:stream';

/** The property-level view of a template change (@aws-cdk/cloudformation-diff), as text. */
export async function renderTemplateDiff(
  currentBody: string | undefined,
  next: Record<string, unknown>,
): Promise<string> {
  const { diffTemplate, formatDifferences } = await import('@aws-cdk/cloudformation-diff');
  let current: Record<string, unknown> = {};
  try {
    current = currentBody ? JSON.parse(currentBody) : {};
  } catch {
    current = {};
  }
  const diff = diffTemplate(current, next);
  if (diff.isEmpty) return '  (no template differences)';
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  formatDifferences(sink as unknown as NodeJS.WritableStream & { columns?: number }, diff);
  return text.trimEnd();
}
