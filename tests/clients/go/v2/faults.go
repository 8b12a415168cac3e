package main

// Fault injection and the AWS limits through the SDK for Go v2, on the admin server
// (RIVULET_ADMIN_ENDPOINT) whose plan the tests change through /_rivulet/faults and /_rivulet/limits:
// the typed errors the SDK makes of injected faults, its standard retryer over them, and GetRecords
// refused at 5 calls a second per shard, then read through with retries. The plan is server-wide:
// every test skips without an admin server and puts it back (no faults, no latency, limits off)
// before its stream is deleted.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/middleware"

	"../harness"
)

var faultTests = []harness.Test{
	{Name: "faults_put_records_entries_fail_as_throttled", Fn: testPutRecordsEntriesFailAsThrottled},
	{Name: "faults_internal_failure_is_retried_then_returned", Fn: testInternalFailureIsRetriedThenReturned},
	{Name: "faults_throttling_errors_are_the_modeled_types", Fn: testThrottlingErrorsAreTheModeledTypes},
	{Name: "faults_cleared_between_attempts_lets_the_retry_succeed", Fn: testClearedBetweenAttemptsLetsTheRetrySucceed},
	{Name: "limits_get_records_refused_then_retried", Fn: testGetRecordsRefusedThenRetried},
}

// adminClient is a client of the admin server; a nil retryer keeps newClient's single attempt.
func adminClient(t *harness.T, retryer aws.Retryer) *kinesis.Client {
	harness.RequireAdmin(t)
	client, _ := newClient(harness.AccessKey, harness.SecretKey, harness.SessionToken, false, func(o *kinesis.Options) {
		o.EndpointResolver = kinesis.EndpointResolverFromURL(harness.AdminEndpoint)
		if retryer != nil {
			o.Retryer = retryer
		}
	})
	return client
}

// standardRetryer is the SDK's default retry strategy, the standard one, allowed maxAttempts.
func standardRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = maxAttempts })
}

// adminStream creates a stream of one shard on the admin server while it has no faults and no
// limits (a run stopped half-way may have left some), and puts the server back that way when the
// test ends, before the stream is deleted: the cleanups run last registered first.
func adminStream(t *harness.T, client *kinesis.Client) string {
	harness.RestoreAdmin(t)
	name := createStreamOn(t, client, 1)
	t.Cleanup(func() { harness.RestoreAdmin(t) })
	return name
}

// afterEachAttempt is a per-call option: the middleware it adds to the Finalize step after the retry
// middleware runs once per attempt, and hands fn the attempt's number (from 1) and its error, once
// the answer is deserialized.
func afterEachAttempt(fn func(attempt int, err error)) func(*kinesis.Options) {
	return func(o *kinesis.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			attempt := 0
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("RivuletAfterEachAttempt",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					out, metadata, err := next.HandleFinalize(ctx, in)
					attempt++
					fn(attempt, err)
					return out, metadata, err
				}), "Retry", middleware.After)
		})
	}
}

func shardIterator(t *harness.T, client *kinesis.Client, name string) *string {
	out, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name),
		ShardId: aws.String(firstShard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	t.Check(err, "GetShardIterator")
	return out.ShardIterator
}

// A batch fails entry by entry, not as a whole: each entry marked as AWS marks one over its shard's
// rate, and none of them stored.
func testPutRecordsEntriesFailAsThrottled(t *harness.T) {
	client := adminClient(t, nil)
	name := adminStream(t, client)
	entries := make([]types.PutRecordsRequestEntry, 5)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{Data: []byte(fmt.Sprintf("batch-%d", i)), PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	in := &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries}

	harness.SetFaults(t, "PutRecords=1:"+harness.Throttled)
	refused, err := client.PutRecords(ctx, in)
	t.Check(err, "PutRecords under the fault")
	if len(refused.Records) != len(entries) || aws.ToInt32(refused.FailedRecordCount) != int32(len(entries)) {
		t.Fatalf("%d results, FailedRecordCount %d; want %d, %d", len(refused.Records), aws.ToInt32(refused.FailedRecordCount), len(entries), len(entries))
	}
	want := harness.ShardRateExceeded(name, firstShard)
	for i, r := range refused.Records {
		if aws.ToString(r.ErrorCode) != harness.Throttled || aws.ToString(r.ErrorMessage) != want || r.SequenceNumber != nil || r.ShardId != nil {
			t.Fatalf("entry %d: ErrorCode %q, ErrorMessage %q, SequenceNumber %q, ShardId %q; want %s, %q and neither of the others",
				i, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage), aws.ToString(r.SequenceNumber), aws.ToString(r.ShardId), harness.Throttled, want)
		}
	}

	harness.ClearFaults(t)
	accepted, err := client.PutRecords(ctx, in)
	t.Check(err, "PutRecords once the faults are cleared")
	if len(accepted.Records) != len(entries) || aws.ToInt32(accepted.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want %d, 0", len(accepted.Records), aws.ToInt32(accepted.FailedRecordCount), len(entries))
	}
	stored := readRecords(t, client, shardIterator(t, client, name), len(entries))
	if len(stored) != len(entries) {
		t.Fatalf("the shard holds %d records, want only the %d of the accepted batch", len(stored), len(entries))
	}
	for i, r := range accepted.Records {
		if r.ErrorCode != nil || aws.ToString(r.ShardId) != firstShard || aws.ToString(r.SequenceNumber) != aws.ToString(stored[i].SequenceNumber) {
			t.Fatalf("entry %d: %+v; the shard holds %s there", i, r, aws.ToString(stored[i].SequenceNumber))
		}
	}
}

func testInternalFailureIsRetriedThenReturned(t *harness.T) {
	client := adminClient(t, standardRetryer(3))
	adminStream(t, client)
	harness.SetFaults(t, "ListStreams=1:InternalFailure")
	attempts := 0
	_, err := client.ListStreams(ctx, &kinesis.ListStreamsInput{}, afterEachAttempt(func(attempt int, _ error) { attempts = attempt }))
	expectError(t, err, harness.InternalFailure, 500, harness.InternalFailureMessage)
	if attempts != 3 {
		t.Fatalf("%d attempts, want the retryer's 3", attempts)
	}
	var exhausted *retry.MaxAttemptsError
	if !errors.As(err, &exhausted) || exhausted.Attempt != 3 {
		t.Fatalf("the error does not say the retryer gave up after 3 attempts: %v", err)
	}
}

func testThrottlingErrorsAreTheModeledTypes(t *harness.T) {
	client := adminClient(t, nil)
	name := adminStream(t, client)
	harness.SetFaults(t, "GetShardIterator=1:"+harness.Throttled+",DescribeStream=1:LimitExceededException")

	_, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name),
		ShardId: aws.String(firstShard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	expectError(t, err, harness.Throttled, 400, harness.ShardRateExceeded(name, firstShard))
	var throttled *types.ProvisionedThroughputExceededException
	if !errors.As(err, &throttled) {
		t.Fatalf("the SDK did not deserialize its typed *types.ProvisionedThroughputExceededException: %T", err)
	}
	if aws.ToString(throttled.Message) != harness.ShardRateExceeded(name, firstShard) {
		t.Fatalf("ProvisionedThroughputExceededException.Message %q", aws.ToString(throttled.Message))
	}

	_, err = client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	expectError(t, err, "LimitExceededException", 400, harness.AccountRateExceeded())
	var limited *types.LimitExceededException
	if !errors.As(err, &limited) {
		t.Fatalf("the SDK did not deserialize its typed *types.LimitExceededException: %T", err)
	}
	if aws.ToString(limited.Message) != harness.AccountRateExceeded() {
		t.Fatalf("LimitExceededException.Message %q", aws.ToString(limited.Message))
	}
}

// The fault is gone by the time the retryer sends the second attempt of the same call.
func testClearedBetweenAttemptsLetsTheRetrySucceed(t *harness.T) {
	client := adminClient(t, standardRetryer(3))
	name := adminStream(t, client)
	harness.SetFaults(t, "PutRecord=1:InternalFailure")
	attempts := 0
	var first, cleared error
	out, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("second try")},
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
	if aws.ToString(out.ShardId) != firstShard || out.SequenceNumber == nil {
		t.Fatalf("ShardId %q, SequenceNumber %q", aws.ToString(out.ShardId), aws.ToString(out.SequenceNumber))
	}
}

func testGetRecordsRefusedThenRetried(t *harness.T) {
	client := adminClient(t, nil)
	name := adminStream(t, client)
	_, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("under the limits")})
	t.Check(err, "PutRecord")
	harness.SetLimits(t, "aws")
	it := shardIterator(t, client, name)

	// No machine is fast or slow enough to get MaxQuickCalls calls through a bucket of 5 a second.
	var refusal error
	for i := 0; i < harness.MaxQuickCalls && refusal == nil; i++ {
		_, refusal = client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
	}
	if refusal == nil {
		t.Fatalf("%d quick GetRecords calls on one shard, none refused", harness.MaxQuickCalls)
	}
	expectError(t, refusal, harness.Throttled, 400, harness.ShardRateExceeded(name, firstShard))
	var throttled *types.ProvisionedThroughputExceededException
	if !errors.As(refusal, &throttled) {
		t.Fatalf("the SDK did not deserialize its typed *types.ProvisionedThroughputExceededException: %T", refusal)
	}

	// The standard backoff is a random fraction of 2^attempt seconds: it can be shorter than the
	// 200 ms the shard takes to earn another call, and up to seconds long. From 250 ms up, every
	// retry of a refused read finds the shard refilled.
	retrying := adminClient(t, retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 5
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return time.Duration(attempt) * 250 * time.Millisecond, nil
		})
	}))
	var read []types.Record
	for i := 0; i < 10; i++ {
		out, err := retrying.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
		t.Check(err, fmt.Sprintf("GetRecords %d of 10 with 5 attempts", i+1))
		read = append(read, out.Records...)
		it = out.NextShardIterator
	}
	if len(read) != 1 || string(read[0].Data) != "under the limits" {
		t.Fatalf("read %d records through the limits, want the one put", len(read))
	}
}
