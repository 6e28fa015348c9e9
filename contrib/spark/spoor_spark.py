#!/usr/bin/env python3
"""Sharded Spoor scan on Spark: one task per partition, each scanning one shard, then `spoor merge`.

    spark-submit --master yarn --files /opt/spoor/spoor contrib/spark/spoor_spark.py \
        --evidence-list /shared/case-42/evidence.txt --shards 16 \
        --rules-dir /shared/spoor/rules --out /shared/case-42/partials --report /shared/case-42/report.json

The static `spoor` binary (`swift build -c release --static-swift-stdlib`) travels to the executors with
`--files`; each task finds it with SparkFiles.get. The evidence list, the rules folder and the output
folder must be paths every executor can read (and write, for --out): a shared filesystem.

Pitfalls handled:
- RDD.pipe() replaces the child's whole environment when `env` is given (no PATH, no HOME) and ignores
  the exit status unless checkCode=True. Tasks here run spoor through subprocess with an explicit
  environment (PATH included) and an absolute binary path, and a non-zero exit raises, so Spark
  retries the task and finally fails the job instead of merging a missing shard silently.
- Files shipped with --files may lose their execute bit: the binary is copied and made executable.
- A retried or speculative task writes its partial atomically (spoor writes a temporary name and
  renames it), so a partial is never half-written; the merge still refuses a missing or duplicated
  shard (exit 2, report marked incomplete).
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile


def scan_shard(index, _rows, args):
    from pyspark import SparkFiles

    shipped = SparkFiles.get(args.binary_name)
    folder = tempfile.mkdtemp(prefix="spoor-")
    binary = os.path.join(folder, "spoor")
    shutil.copy(shipped, binary)
    os.chmod(binary, os.stat(binary).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    shard = "%d/%d" % (index + 1, args.shards)
    partial = os.path.join(args.out, "partial-%d-of-%d.json" % (index + 1, args.shards))
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": folder,
        "LC_ALL": "C.UTF-8",
    }
    if args.rules_dir:
        environment["SPOOR_BUNDLED_RULES"] = args.rules_dir
    if "SPOOR_REDACTION_KEY" in os.environ:
        environment["SPOOR_REDACTION_KEY"] = os.environ["SPOOR_REDACTION_KEY"]
    command = [binary, "scan", "--files-from", args.evidence_list, "--shard", shard, "--partial", "-o", partial,
               "--no-progress", "--jobs", str(args.jobs)] + args.scan_option
    result = subprocess.run(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shutil.rmtree(folder, ignore_errors=True)
    if result.returncode != 0:
        raise RuntimeError("spoor shard %s exited %d: %s" % (shard, result.returncode, result.stderr.decode(errors="replace")))
    yield partial


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evidence-list", required=True, help="evidence paths, one a line (shared storage)")
    parser.add_argument("--shards", type=int, required=True, help="number of shards = Spark partitions")
    parser.add_argument("--out", required=True, help="folder for the partial reports (shared storage)")
    parser.add_argument("--report", required=True, help="the merged report (JSON)")
    parser.add_argument("--rules-dir", help="the bundled rules folder, on shared storage (else beside the binary)")
    parser.add_argument("--binary-name", default="spoor", help="name of the binary shipped with --files")
    parser.add_argument("--spoor", default=None, help="the spoor binary the driver merges with (default: the shipped one)")
    parser.add_argument("--jobs", type=int, default=1, help="spoor --jobs in each task (match spark.task.cpus)")
    parser.add_argument("--scan-option", action="append", default=[], help="one more option for every shard's scan (repeatable)")
    args = parser.parse_args()

    from pyspark import SparkFiles
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("spoor-sharded-scan").getOrCreate()
    context = spark.sparkContext
    os.makedirs(args.out, exist_ok=True)
    # One partition per shard: partition i scans shard i+1 of N.
    partials = (context.parallelize(range(args.shards), args.shards)
                .mapPartitionsWithIndex(lambda index, rows: scan_shard(index, rows, args))
                .collect())
    merger = args.spoor or SparkFiles.get(args.binary_name)
    if not os.access(merger, os.X_OK):
        local = os.path.join(tempfile.mkdtemp(prefix="spoor-merge-"), "spoor")
        shutil.copy(merger, local)
        os.chmod(local, 0o755)
        merger = local
    environment = dict(os.environ)
    if args.rules_dir:
        environment["SPOOR_BUNDLED_RULES"] = args.rules_dir
    merge = subprocess.run([merger, "merge"] + sorted(partials) + ["-o", args.report], env=environment)
    spark.stop()
    # spoor's exit codes: 0 no finding, 1 findings, 2 incomplete or error.
    print("spoor merge exited %d; report: %s" % (merge.returncode, args.report), file=sys.stderr)
    sys.exit(merge.returncode)


if __name__ == "__main__":
    main()
