package main

// Fault injection and the AWS limits through the SDK for Go v1, on the admin server
// (RIVULET_ADMIN_ENDPOINT) whose plan the tests change through /_rivulet/faults and /_rivulet/limits:
// the error codes and typed errors the SDK makes of injected faults, its DefaultRetryer over them,
// and GetRecords refused at 5 calls a second per shard, then read through with retries. The plan is
// server-wide: every test skips without an admin server and puts it back (no faults, no latency,
// limits off) before its stream is deleted.

import (
	"fmt"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/client"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/service/kinesis"

	"../harness"
)

var faultTests = []harness.Test{
	{Name: "faults_put_records_entries_fail_as_throttled", Fn: testPutRecordsEntriesFailAsThrottled},
	{Name: "faults_internal_failure_is_retried_then_returned", Fn: testInternalFailureIsRetriedThenReturned},
	{Name: "faults_throttling_errors_are_the_modeled_types", Fn: testThrottlingErrorsAreTheModeledTypes},
	{Name: "faults_cleared_between_attempts_lets_the_retry_succeed", Fn: testClearedBetweenAttemptsLetsTheRetrySucceed},
	{Name: "limits_get_records_refused_then_retried", Fn: testGetRecordsRefusedThenRetried},
}

// adminClient is a client of the admin server; a nil retryer keeps newClient's no retries.
func adminClient(t *harness.T, retryer request.Retryer) *kinesis.Kinesis {
	harness.RequireAdmin(t)
	c, _ := newClient(harness.AccessKey, harness.SecretKey, harness.SessionToken, false, func(cfg *aws.Config) {
		cfg.Endpoint = aws.String(harness.AdminEndpoint)
		if retryer != nil {
			request.WithRetryer(cfg, retryer)
		}
	})
	return c
}

// adminStream creates a stream of one shard on the admin server while it has no faults and no
// limits (a run stopped half-way may have left some), and puts the server back that way when the
// test ends, before the stream is deleted: the cleanups run last registered first.
func adminStream(t *harness.T, c *kinesis.Kinesis) string {
	harness.RestoreAdmin(t)
	name := createStreamOn(t, c, 1)
	t.Cleanup(func() { harness.RestoreAdmin(t) })
	return name
}

// afterEachAttempt is a per-call option: CompleteAttempt handlers run once per attempt, after its
// answer is unmarshaled, and fn gets the attempt's number (from 1) and its error.
func afterEachAttempt(fn func(attempt int, err error)) request.Option {
	return func(r *request.Request) {
		r.Handlers.CompleteAttempt.PushBack(func(r *request.Request) { fn(r.RetryCount+1, r.Error) })
	}
}

func shardIterator(t *harness.T, c *kinesis.Kinesis, name string) *string {
	out, err := c.GetShardIterator(&kinesis.GetShardIteratorInput{StreamName: aws.String(name),
		ShardId: aws.String(firstShard), ShardIteratorType: aws.String("TRIM_HORIZON")})
	t.Check(err, "GetShardIterator")
	return out.ShardIterator
}

// A batch fails entry by entry, not as a whole: each entry marked as AWS marks one over its shard's
// rate, and none of them stored.
func testPutRecordsEntriesFailAsThrottled(t *harness.T) {
	c := adminClient(t, nil)
	name := adminStream(t, c)
	entries := make([]*kinesis.PutRecordsRequestEntry, 5)
	for i := range entries {
		entries[i] = &kinesis.PutRecordsRequestEntry{Data: []byte(fmt.Sprintf("batch-%d", i)), PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	in := &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries}

	harness.SetFaults(t, "PutRecords=1:"+harness.Throttled)
	refused, err := c.PutRecords(in)
	t.Check(err, "PutRecords under the fault")
	if len(refused.Records) != len(entries) || aws.Int64Value(refused.FailedRecordCount) != int64(len(entries)) {
		t.Fatalf("%d results, FailedRecordCount %d; want %d, %d", len(refused.Records), aws.Int64Value(refused.FailedRecordCount), len(entries), len(entries))
	}
	want := harness.ShardRateExceeded(name, firstShard)
	for i, r := range refused.Records {
		if aws.StringValue(r.ErrorCode) != kinesis.ErrCodeProvisionedThroughputExceededException || aws.StringValue(r.ErrorMessage) != want ||
			r.SequenceNumber != nil || r.ShardId != nil {
			t.Fatalf("entry %d: ErrorCode %q, ErrorMessage %q, SequenceNumber %q, ShardId %q; want %s, %q and neither of the others",
				i, aws.StringValue(r.ErrorCode), aws.StringValue(r.ErrorMessage), aws.StringValue(r.SequenceNumber), aws.StringValue(r.ShardId), harness.Throttled, want)
		}
	}

	harness.ClearFaults(t)
	accepted, err := c.PutRecords(in)
	t.Check(err, "PutRecords once the faults are cleared")
	if len(accepted.Records) != len(entries) || aws.Int64Value(accepted.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want %d, 0", len(accepted.Records), aws.Int64Value(accepted.FailedRecordCount), len(entries))
	}
	stored := readRecords(t, c, shardIterator(t, c, name), len(entries))
	if len(stored) != len(entries) {
		t.Fatalf("the shard holds %d records, want only the %d of the accepted batch", len(stored), len(entries))
	}
	for i, r := range accepted.Records {
		if r.ErrorCode != nil || aws.StringValue(r.ShardId) != firstShard || aws.StringValue(r.SequenceNumber) != aws.StringValue(stored[i].SequenceNumber) {
			t.Fatalf("entry %d: %v; the shard holds %s there", i, r, aws.StringValue(stored[i].SequenceNumber))
		}
	}
}

func testInternalFailureIsRetriedThenReturned(t *harness.T) {
	c := adminClient(t, client.DefaultRetryer{NumMaxRetries: 2})
	adminStream(t, c)
	harness.SetFaults(t, "ListStreams=1:InternalFailure")
	attempts := 0
	_, err := c.ListStreamsWithContext(aws.BackgroundContext(), &kinesis.ListStreamsInput{},
		afterEachAttempt(func(attempt int, _ error) { attempts = attempt }))
	expectError(t, err, harness.InternalFailure, 500, harness.InternalFailureMessage)
	if attempts != 3 {
		t.Fatalf("%d attempts, want 3: the first and the retryer's 2 retries", attempts)
	}
}

func testThrottlingErrorsAreTheModeledTypes(t *harness.T) {
	c := adminClient(t, nil)
	name := adminStream(t, c)
	harness.SetFaults(t, "GetShardIterator=1:"+harness.Throttled+",DescribeStream=1:LimitExceededException")

	_, err := c.GetShardIterator(&kinesis.GetShardIteratorInput{StreamName: aws.String(name),
		ShardId: aws.String(firstShard), ShardIteratorType: aws.String("TRIM_HORIZON")})
	expectError(t, err, kinesis.ErrCodeProvisionedThroughputExceededException, 400, harness.ShardRateExceeded(name, firstShard))
	if _, ok := err.(*kinesis.ProvisionedThroughputExceededException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ProvisionedThroughputExceededException: %T", err)
	}

	_, err = c.DescribeStream(&kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	expectError(t, err, kinesis.ErrCodeLimitExceededException, 400, harness.AccountRateExceeded())
	if _, ok := err.(*kinesis.LimitExceededException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.LimitExceededException: %T", err)
	}
}

// The fault is gone by the time the retryer sends the second attempt of the same call.
func testClearedBetweenAttemptsLetsTheRetrySucceed(t *harness.T) {
	c := adminClient(t, client.DefaultRetryer{NumMaxRetries: 2})
	name := adminStream(t, c)
	harness.SetFaults(t, "PutRecord=1:InternalFailure")
	attempts := 0
	var first, cleared error
	out, err := c.PutRecordWithContext(aws.BackgroundContext(),
		&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("second try")},
		afterEachAttempt(func(attempt int, err error) {
			attempts = attempt
			if attempt == 1 {
				first = err
				_, cleared = harness.AdminCall("DELETE", "/_rivulet/faults", nil)
			}
		}))
	t.Check(cleared, "DELETE /_rivulet/faults after the first attempt")
	expectError(t, first, harness.InternalFailure, 500, harness.InternalFailureMessage)
	t.Check(err, "PutRecord")
	if attempts != 2 {
		t.Fatalf("%d attempts, want 2: the faulted one and its retry", attempts)
	}
	if aws.StringValue(out.ShardId) != firstShard || out.SequenceNumber == nil {
		t.Fatalf("ShardId %q, SequenceNumber %q", aws.StringValue(out.ShardId), aws.StringValue(out.SequenceNumber))
	}
}

func testGetRecordsRefusedThenRetried(t *harness.T) {
	c := adminClient(t, nil)
	name := adminStream(t, c)
	_, err := c.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("under the limits")})
	t.Check(err, "PutRecord")
	harness.SetLimits(t, "aws")
	it := shardIterator(t, c, name)

	// No machine is fast or slow enough to get MaxQuickCalls calls through a bucket of 5 a second.
	var refusal error
	for i := 0; i < harness.MaxQuickCalls && refusal == nil; i++ {
		_, refusal = c.GetRecords(&kinesis.GetRecordsInput{ShardIterator: it})
	}
	if refusal == nil {
		t.Fatalf("%d quick GetRecords calls on one shard, none refused", harness.MaxQuickCalls)
	}
	expectError(t, refusal, kinesis.ErrCodeProvisionedThroughputExceededException, 400, harness.ShardRateExceeded(name, firstShard))

	// The DefaultRetryer waits at least its MinThrottleDelay (500 ms by default) after a throttling
	// error: longer than the 200 ms the shard takes to earn another call.
	retrying := adminClient(t, client.DefaultRetryer{NumMaxRetries: 4})
	var read []*kinesis.Record
	for i := 0; i < 10; i++ {
		out, err := retrying.GetRecords(&kinesis.GetRecordsInput{ShardIterator: it})
		t.Check(err, fmt.Sprintf("GetRecords %d of 10 with 4 retries", i+1))
		read = append(read, out.Records...)
		it = out.NextShardIterator
	}
	if len(read) != 1 || string(read[0].Data) != "under the limits" {
		t.Fatalf("read %d records through the limits, want the one put", len(read))
	}
}
