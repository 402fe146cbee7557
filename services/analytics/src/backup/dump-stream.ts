/** What a backup records about one dump: size, SHA-256, and rows per table. */
export interface DumpFacts {
  bytes: number;
  sha256: string;
  tables: Record<string, number>;
}

const CREATE = /^CREATE TABLE (?:IF NOT EXISTS )?"?([^"\s(]+)"?/;
const INSERT = /^INSERT INTO "?([^"\s(]+)"?/;

/**
 * Streams a D1 SQL dump into an R2 multipart upload while hashing it and counting its rows, so a
 * dump of any size passes through in bounded memory (one part buffer). R2 wants every part but
 * the last to be the same size (at least 5 MiB), so parts are cut at exactly `partBytes`. Row counts follow the
 * dump's layout: one `INSERT INTO "t" ...` line per row; SQLite's own tables are left out.
 */
export async function streamDumpToR2(
  body: ReadableStream<Uint8Array>,
  bucket: R2Bucket,
  key: string,
  partBytes: number,
): Promise<DumpFacts> {
  const upload = await bucket.createMultipartUpload(key, { httpMetadata: { contentType: "application/sql" } });
  const digest = new crypto.DigestStream("SHA-256");
  const digestWriter = digest.getWriter();
  const decoder = new TextDecoder();
  const tables: Record<string, number> = {};
  const parts: R2UploadedPart[] = [];
  let carry = "";
  let bytes = 0;
  const part = new Uint8Array(partBytes);
  let filled = 0;

  const countLine = (line: string) => {
    const created = CREATE.exec(line)?.[1];
    if (created && !created.startsWith("sqlite_")) tables[created] ??= 0;
    const inserted = INSERT.exec(line)?.[1];
    if (inserted && !inserted.startsWith("sqlite_")) tables[inserted] = (tables[inserted] ?? 0) + 1;
  };
  const flushPart = async () => {
    // uploadPart may hold on to what it is given, so it gets a copy and the buffer is reused.
    parts.push(await upload.uploadPart(parts.length + 1, part.slice(0, filled)));
    filled = 0;
  };

  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      await digestWriter.write(value);
      const lines = (carry + decoder.decode(value, { stream: true })).split("\n");
      carry = lines.pop() ?? "";
      for (const line of lines) countLine(line);
      for (let offset = 0; offset < value.byteLength; ) {
        const take = Math.min(partBytes - filled, value.byteLength - offset);
        part.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partBytes) await flushPart();
      }
    }
    countLine(carry + decoder.decode());
    if (filled > 0 || parts.length === 0) await flushPart();
    await upload.complete(parts);
  } catch (e) {
    await upload.abort();
    throw e;
  }
  await digestWriter.close();
  const sha256 = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { bytes, sha256, tables };
}
