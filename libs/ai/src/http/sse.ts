export interface SseEvent {
  event: string | null;
  data: string;
}

/** Server-Sent Events from a byte stream (`event:` and `data:` lines, blank line between events). */
export async function* readSse(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  const flush = (): SseEvent | null => {
    const out = data.length ? { event, data: data.join('\n') } : null;
    event = null;
    data = [];
    return out;
  };
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1);
      if (line === '') {
        const e = flush();
        if (e) yield e;
      } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      // `id:`, `retry:` and comments (`: keepalive`) are not used by model APIs
    }
  }
  if (buffer.startsWith('data:')) data.push(buffer.slice(5).replace(/^ /, ''));
  const last = flush();
  if (last) yield last;
}
