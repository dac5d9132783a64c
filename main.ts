/**
 * Entry point: validates every stage, then synthesizes the state bootstrap stack
 * and one stack per stage into cdktf.out/ (or $CDKTF_OUTDIR when run by the cdktf CLI).
 *
 * Environment:
 *   APP_IMAGE_REPOSITORY  application image repository URI (default: a placeholder, see README)
 *   APP_IMAGE_TAG         application image tag (default: a placeholder)
 *
 * The only file that reads process.env.
 */
import { stages } from "./config/stages";
import { runSynth } from "./stacks/platform-app";

process.exitCode = runSynth(stages, process.env);
