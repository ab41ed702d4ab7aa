// safetensors: 8-byte little-endian header length, a JSON header, then raw little-endian tensor bytes.
export interface SafeTensor {
  dtype: string;
  shape: number[];
  /** The tensor's raw bytes (a view into the file buffer). */
  bytes: Uint8Array;
}

export function parseSafetensors(buf: Uint8Array): Map<string, SafeTensor> {
  if (buf.byteLength < 8) throw new Error('file too short to be safetensors');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(dv.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > buf.byteLength) throw new Error('bad safetensors header length');
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out = new Map<string, SafeTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets;
    if (!(start >= 0 && end >= start && base + end <= buf.byteLength))
      throw new Error(`tensor ${name}: offsets out of range`);
    out.set(name, { dtype: info.dtype, shape: info.shape, bytes: buf.subarray(base + start, base + end) });
  }
  return out;
}

/** Reads a tensor as float32 (from F32, F16, BF16, F64, I8, U8, I32, I64). */
export function tensorToFloat32(t: SafeTensor): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const copy = new Uint8Array(t.bytes); // an aligned copy (Buffer#slice would be a view)
  const b = copy.buffer;
  let out: Float32Array;
  switch (t.dtype) {
    case 'F32':
      out = new Float32Array(b, 0, n);
      break;
    case 'F64':
      out = Float32Array.from(new Float64Array(b, 0, n));
      break;
    case 'F16': {
      const u = new Uint16Array(b, 0, n);
      out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(u[i]!);
      break;
    }
    case 'BF16': {
      const u = new Uint16Array(b, 0, n);
      const u32 = new Uint32Array(n);
      for (let i = 0; i < n; i++) u32[i] = u[i]! << 16;
      out = new Float32Array(u32.buffer);
      break;
    }
    case 'I8':
      out = Float32Array.from(new Int8Array(b, 0, n));
      break;
    case 'U8':
      out = Float32Array.from(new Uint8Array(b, 0, n));
      break;
    case 'I32':
      out = Float32Array.from(new Int32Array(b, 0, n));
      break;
    case 'I64': {
      const v = new BigInt64Array(b, 0, n);
      out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(v[i]!);
      break;
    }
    default:
      throw new Error(`unsupported safetensors dtype ${t.dtype}`);
  }
  if (out.length !== n) throw new Error('tensor size does not match its shape');
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Serialises float32 tensors to safetensors bytes. */
export function writeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' '; // keep the data 8-byte aligned
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.byteLength), true);
  out.set(hb, 8);
  let p = 8 + hb.byteLength;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}
