/**
 * Parses a JSON body received or stored as bytes (UTF-8, with or without a byte order mark,
 * which JSON.parse would refuse). Throws a SyntaxError when it is not JSON.
 */
export function parseJsonBytes(bytes: Buffer): unknown {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return JSON.parse(bytes.toString('utf8', start)) as unknown;
}
