// The deploy zip against what an unbundled deployment carries.
import { productionFootprint } from '../parent/productionFootprint.js';
import type { Row } from '../report/row.js';
import { megabytes, ratio } from '../stats.js';

export async function deploySize(
  repoRoot: string,
  workDir: string,
  zipBytes: number,
): Promise<Row> {
  const unbundled = await productionFootprint(repoRoot, workDir);
  return {
    metric: 'Deploy zip vs unbundled production node_modules',
    measured: megabytes(zipBytes),
    floor: `${megabytes(unbundled.nodeModulesBytes)} (zip ${megabytes(unbundled.zipBytes)})`,
    ratio: ratio(zipBytes / unbundled.zipBytes),
    target: '<= 3 MB',
    met: zipBytes <= 3 * 1024 * 1024,
    notes: `${unbundled.packages} packages, ${unbundled.files} files unbundled; ratio is zip to zip`,
  };
}
