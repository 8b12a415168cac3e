"""From outside, with boto3: a writer sending 3,000 records/s to one shard of a server started with
`--limits aws` for a number of seconds; how many were accepted, whether every refused entry was
marked as AWS marks it, and whether the shard holds exactly the accepted records.

Usage: check.py <endpoint> [seconds]   (endpoint http://127.0.0.1:<port>; loopback only)
"""

from __future__ import annotations

import sys
import time
import urllib.parse
import uuid

import boto3
from botocore.config import Config

ACCOUNT = "000000000000"
BATCH = 300  # every 100 ms: 3,000 records a second
TICK = 0.1


def main() -> int:
    endpoint = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    if urllib.parse.urlsplit(endpoint).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("loopback endpoints only")
    seconds = min(seconds, 60.0)
    kinesis = boto3.client(
        "kinesis",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    name = f"limits-check-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    shard_id = kinesis.list_shards(StreamName=name)["Shards"][0]["ShardId"]
    expected_message = f"Rate exceeded for shard {shard_id} in stream {name} under account {ACCOUNT}."

    accepted: list[tuple[bytes, str]] = []
    sent = badly_marked = 0
    start = time.monotonic()
    for tick in range(int(seconds / TICK)):
        entries = [{"PartitionKey": "k", "Data": f"{tick:05d}-{i:03d}".encode()} for i in range(BATCH)]
        answer = kinesis.put_records(StreamName=name, Records=entries)
        sent += BATCH
        for entry, result in zip(entries, answer["Records"]):
            if "SequenceNumber" in result:
                accepted.append((entry["Data"], result["SequenceNumber"]))
            elif (result.get("ErrorCode"), result.get("ErrorMessage")) != ("ProvisionedThroughputExceededException", expected_message):
                badly_marked += 1
        pause = start + (tick + 1) * TICK - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    elapsed = time.monotonic() - start

    # Reads are limited too (5 calls a second per shard): one call every 200 ms.
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    stored: list[tuple[bytes, str]] = []
    for _ in range(200):
        time.sleep(0.2)
        page = kinesis.get_records(ShardIterator=iterator)
        stored.extend((record["Data"], record["SequenceNumber"]) for record in page["Records"])
        iterator = page["NextShardIterator"]
        if not page["Records"] and len(stored) >= len(accepted):
            break
    kinesis.delete_stream(StreamName=name)

    print(f"sent {sent} records in {elapsed:.2f} s ({sent / elapsed:.0f}/s) to one shard")
    print(f"accepted {len(accepted)} ({len(accepted) / sent:.1%}); the limit allows {1000 + 1000 * elapsed:.0f} (a second's burst, then 1,000/s)")
    print(f"refused entries not marked as AWS marks them: {badly_marked}")
    print(f"stored exactly the accepted records, in order: {stored == accepted} ({len(stored)} stored)")
    return 0 if badly_marked == 0 and stored == accepted and len(accepted) <= 1001 + 1000 * elapsed else 1


if __name__ == "__main__":
    sys.exit(main())
