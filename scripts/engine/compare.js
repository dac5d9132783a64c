/*
 * Compares two synthesized output folders (cdktf.out layout: manifest.json and
 * stacks/<name>/cdk.tf.json) after normalizing exactly what an engine switch is
 * allowed to change, and nothing more:
 *   manifest.json   version                                    the engine's version
 *   cdk.tf.json     //.metadata.version                        the engine's version
 *                   terraform.required_providers.aws.version   the AWS provider the bindings were generated from
 *                   terraform.required_providers.aws.source    its source address ("aws" vs "hashicorp/aws")
 * Every other difference, including a file present on one side only, is reported.
 */
"use strict";
const fs = require("fs");
const path = require("path");

/** The JSON paths each kind of file may differ in, as key lists. */
const ALLOWED = {
  manifest: [["version"]],
  stack: [
    ["//", "metadata", "version"],
    ["terraform", "required_providers", "aws", "version"],
    ["terraform", "required_providers", "aws", "source"],
  ],
};

function kindOf(file) {
  if (file === "manifest.json") return "manifest";
  if (/^stacks\/[^/]+\/cdk\.tf\.json$/.test(file)) return "stack";
  return undefined;
}

/** The files of an output folder, relative, sorted. */
function outputFiles(dir) {
  const found = [];
  const walk = (relative) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file);
      else found.push(file);
    }
  };
  walk("");
  return found.sort();
}

function get(object, keys) {
  let value = object;
  for (const key of keys) {
    if (value === null || typeof value !== "object" || !(key in value)) return { found: false };
    value = value[key];
  }
  return { found: true, value };
}

function set(object, keys, value) {
  let parent = object;
  for (const key of keys.slice(0, -1)) parent = parent[key];
  parent[keys[keys.length - 1]] = value;
}

const PLACEHOLDER = "<normalized>";

/** Replaces the allowed paths present on both sides by a placeholder; returns what they held. */
function normalizePair(kind, before, after) {
  const normalized = [];
  for (const keys of ALLOWED[kind] || []) {
    const a = get(before, keys);
    const b = get(after, keys);
    if (!a.found || !b.found) continue; // present on one side only: left for the diff to report
    normalized.push({ path: keys.join("."), before: a.value, after: b.value });
    set(before, keys, PLACEHOLDER);
    set(after, keys, PLACEHOLDER);
  }
  return normalized;
}

/** Structural differences between two JSON values, as { path, before, after } (undefined = absent). */
function jsonDiff(before, after, at = "") {
  const isObject = (v) => v !== null && typeof v === "object";
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = Array.isArray(before)
      ? [...Array(Math.max(before.length, after.length)).keys()].map(String)
      : [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const child = Array.isArray(before) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
      return key in before ? (key in after ? jsonDiff(before[key], after[key], child) : [{ path: child, before: before[key], after: undefined }]) : [{ path: child, before: undefined, after: after[key] }];
    });
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: at, before, after }];
}

/**
 * Compares output folder `beforeDir` (cdktf) with `afterDir` (cdktn).
 * Returns { files, normalized: [{ file, path, before, after }], differences: [{ file, path, before, after }] }.
 */
function compareOutputs(beforeDir, afterDir) {
  const beforeFiles = outputFiles(beforeDir);
  const afterFiles = outputFiles(afterDir);
  const files = [...new Set([...beforeFiles, ...afterFiles])].sort();
  const normalized = [];
  const differences = [];
  for (const file of files) {
    if (!beforeFiles.includes(file) || !afterFiles.includes(file)) {
      differences.push({ file, path: "", before: beforeFiles.includes(file) ? "(file)" : undefined, after: afterFiles.includes(file) ? "(file)" : undefined });
      continue;
    }
    const beforeText = fs.readFileSync(path.join(beforeDir, file), "utf8");
    const afterText = fs.readFileSync(path.join(afterDir, file), "utf8");
    const kind = kindOf(file);
    if (!kind || !file.endsWith(".json")) {
      if (beforeText !== afterText) differences.push({ file, path: "", before: "(content)", after: "(different content)" });
      continue;
    }
    const before = JSON.parse(beforeText);
    const after = JSON.parse(afterText);
    normalized.push(...normalizePair(kind, before, after).map((n) => ({ file, ...n })));
    differences.push(...jsonDiff(before, after).map((d) => ({ file, ...d })));
  }
  return { files, normalized, differences };
}

/** The comparison as report lines: what was normalized, then the normalized diff (- cdktf, + cdktn). */
function formatComparison({ files, normalized, differences }, limit = 200) {
  const show = (v) => (v === undefined ? "(absent)" : JSON.stringify(v));
  const lines = [`compared ${files.length} files: ${files.join(", ")}`, `normalized (allowed to differ): ${normalized.length} values`];
  for (const n of normalized) lines.push(`  ~ ${n.file} ${n.path}: ${show(n.before)} -> ${show(n.after)}`);
  lines.push(`normalized diff (- cdktf, + cdktn): ${differences.length === 0 ? "empty" : `${differences.length} differences`}`);
  for (const d of differences.slice(0, limit)) {
    lines.push(`  ${d.file} ${d.path || "(whole file)"}`);
    if (d.before !== undefined) lines.push(`    - ${show(d.before)}`);
    if (d.after !== undefined) lines.push(`    + ${show(d.after)}`);
  }
  if (differences.length > limit) lines.push(`  ... ${differences.length - limit} more`);
  return lines;
}

module.exports = { ALLOWED, PLACEHOLDER, normalizePair, jsonDiff, compareOutputs, formatComparison, outputFiles };
