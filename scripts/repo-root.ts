/**
 * The repository's root: the nearest folder above this file holding package.json. Scripts
 * run both as TypeScript (jest) and compiled into dist/ (scripts/run-ts.js), so a path
 * relative to __dirname would differ between the two.
 */
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
  }
  throw new Error(`no package.json above ${__dirname}`);
})();
