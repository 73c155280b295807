import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { SettingsSource } from '../config/loadConfig.js';

/**
 * The `Values` of local.settings.json in `dir`, as `func start` would set them, or an empty
 * object when there is no such file. A file that is there but broken is an error, not ignored.
 */
export async function readLocalSettings(dir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(join(dir, 'local.settings.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError([
      'local.settings.json is not valid JSON: fix it, or copy local.settings.json.example again.',
    ]);
  }
  const values = (parsed as { Values?: unknown } | null)?.Values;
  if (values === undefined) return {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigError(['local.settings.json: "Values" must be an object of strings.']);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

/** The environment wins over local.settings.json, as it does under `func start`. */
export function mergeSettings(
  local: Readonly<Record<string, string>>,
  env: SettingsSource,
): SettingsSource {
  const merged: Record<string, string | undefined> = { ...local };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * The OpenTelemetry SDK reads its settings (OTEL_*) from the process's environment, where
 * `func start` puts local.settings.json's Values: put those the environment lacks there too, so
 * that the CLI exports as the functions do. The environment still wins.
 */
export function exposeOpenTelemetrySettings(
  local: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const [key, value] of Object.entries(local)) {
    if (key.startsWith('OTEL_') && env[key] === undefined) env[key] = value;
  }
}
