// Compatibility tests driving Rivulet through the AWS SDK for Go v2 (github.com/aws/aws-sdk-go-v2,
// service/kinesis and its types, with smithy-go) as Debian packages it. The runner, the environment
// it reads (RIVULET_ENDPOINT, RIVULET_CA_FILE, AWS_ACCESS_KEY_ID, RIVULET_AUTH_VERIFY, ...) and the
// checks that need no SDK are in ../harness: every test creates its own stream and prints
// `ok <name>`, `FAIL <name>: <reason>` or `skip <name>: <reason>`; the last line is
// `go-v2: N passed, N failed, N skipped`, and the exit status is 1 on any failure. An argument
// runs only the tests whose names contain it.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"../harness"
)

const label = "go-v2"

var ctx = context.Background()

// ---- clients -------------------------------------------------------------------------------------

var (
	kin      *kinesis.Client        // the client every test uses
	protocol *harness.ProtoRecorder // the protocols of its responses
)

// newClient builds a Kinesis client directly from Options: static credentials, the endpoint by
// URL, one attempt per call; no shared config, environment or IMDS lookups are involved. optFns
// run after the SDK resolved its defaults, so they can replace the endpoint or the retryer.
func newClient(key, secret, token string, http1Only bool, optFns ...func(*kinesis.Options)) (*kinesis.Client, *harness.ProtoRecorder) {
	httpClient, rec := harness.NewHTTPClient(http1Only)
	return kinesis.New(kinesis.Options{
		Region:           harness.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, token),
		EndpointResolver: kinesis.EndpointResolverFromURL(harness.Endpoint),
		HTTPClient:       httpClient,
		RetryMaxAttempts: 1,
	}, optFns...), rec
}

// ---- helpers -------------------------------------------------------------------------------------

// shard and record hand the checks of ../harness what they read of the SDK's values.
func shard(s types.Shard) harness.Shard {
	h := harness.Shard{ShardID: s.ShardId, ParentShardID: s.ParentShardId}
	if r := s.HashKeyRange; r != nil {
		h.StartingHashKey, h.EndingHashKey = r.StartingHashKey, r.EndingHashKey
	}
	if r := s.SequenceNumberRange; r != nil {
		h.EndingSequenceNumber = r.EndingSequenceNumber
	}
	return h
}

func shards(list []types.Shard) []harness.Shard {
	out := make([]harness.Shard, len(list))
	for i, s := range list {
		out[i] = shard(s)
	}
	return out
}

func record(r types.Record) harness.Record {
	return harness.Record{SequenceNumber: r.SequenceNumber, PartitionKey: r.PartitionKey, Data: r.Data,
		ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp}
}

func records(list []types.Record) []harness.Record {
	out := make([]harness.Record, len(list))
	for i, r := range list {
		out[i] = record(r)
	}
	return out
}

// createStream creates a stream of `shards` shards, waits for it with the SDK's StreamExistsWaiter
// and deletes it when the test ends.
func createStream(t *harness.T, shards int32) string { return createStreamOn(t, kin, shards) }

// createStreamOn is createStream through another client (of another server).
func createStreamOn(t *harness.T, client *kinesis.Client, shards int32) string {
	name := harness.UniqueName()
	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)})
	t.Check(err, "CreateStream")
	t.Cleanup(func() {
		_, _ = client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	waiter := kinesis.NewStreamExistsWaiter(client, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay = 200 * time.Millisecond
		o.MaxDelay = time.Second
	})
	t.Check(waiter.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second), "StreamExistsWaiter")
	return name
}

// waitActive polls DescribeStreamSummary until the stream is ACTIVE again (after a reshard or an
// update).
func waitActive(t *harness.T, name string) *types.StreamDescriptionSummary {
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		t.Check(err, "DescribeStreamSummary")
		if out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return out.StreamDescriptionSummary
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s still %s after 30 s", name, out.StreamDescriptionSummary.StreamStatus)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func listShards(t *harness.T, name string) []types.Shard {
	var shards []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(name)}
	for i := 0; i < 100; i++ {
		out, err := kin.ListShards(ctx, in)
		t.Check(err, "ListShards")
		shards = append(shards, out.Shards...)
		if out.NextToken == nil {
			return shards
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	t.Fatalf("ListShards did not end after 100 pages")
	return nil
}

func iterator(t *harness.T, name, shardID string, kind types.ShardIteratorType, seq *string) *string {
	out, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName: aws.String(name), ShardId: aws.String(shardID),
		ShardIteratorType: kind, StartingSequenceNumber: seq,
	})
	t.Check(err, "GetShardIterator "+string(kind))
	if aws.ToString(out.ShardIterator) == "" {
		t.Fatalf("GetShardIterator %s returned no iterator", kind)
	}
	return out.ShardIterator
}

// readRecords follows an iterator until `want` records came back (or 20 calls).
func readRecords(t *harness.T, client *kinesis.Client, it *string, want int) []types.Record {
	var records []types.Record
	for i := 0; i < 20 && len(records) < want && it != nil; i++ {
		out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
		t.Check(err, "GetRecords")
		records = append(records, out.Records...)
		if out.MillisBehindLatest == nil {
			t.Fatalf("GetRecords answer without MillisBehindLatest")
		}
		it = out.NextShardIterator
	}
	return records
}

// expectError checks an SDK error's smithy code, HTTP status and (when message != "") message.
func expectError(t *harness.T, err error, code string, status int, message string) smithy.APIError {
	if err == nil {
		t.Fatalf("expected %s, the call succeeded", code)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("expected a smithy.APIError %s, got %T: %v", code, err, err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("expected error code %s, got %s (%q)", code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != status {
		t.Fatalf("expected HTTP %d for %s, got %v", status, code, err)
	}
	if message != "" && apiErr.ErrorMessage() != message {
		t.Fatalf("%s message: expected %q, got %q", code, message, apiErr.ErrorMessage())
	}
	return apiErr
}

// ---- tests ---------------------------------------------------------------------------------------

func testCreateStreamWaitsUntilActive(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if s := out.StreamDescriptionSummary.StreamStatus; s != types.StreamStatusActive {
		t.Fatalf("StreamStatus %s after the waiter, want ACTIVE", s)
	}
}

func testDescribeStream(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStream")
	d := out.StreamDescription
	if aws.ToString(d.StreamName) != name || aws.ToString(d.StreamARN) != harness.StreamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.ToString(d.StreamName), aws.ToString(d.StreamARN), name, harness.StreamARN(name))
	}
	if d.StreamStatus != types.StreamStatusActive {
		t.Fatalf("StreamStatus %s", d.StreamStatus)
	}
	if len(d.Shards) != 2 || aws.ToBool(d.HasMoreShards) {
		t.Fatalf("%d shards (HasMoreShards %v), want 2", len(d.Shards), aws.ToBool(d.HasMoreShards))
	}
	for _, s := range d.Shards {
		if s.SequenceNumberRange == nil || s.SequenceNumberRange.StartingSequenceNumber == nil {
			t.Fatalf("shard %s has no StartingSequenceNumber", aws.ToString(s.ShardId))
		}
		if s.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("new shard %s is closed", aws.ToString(s.ShardId))
		}
	}
	if aws.ToInt32(d.RetentionPeriodHours) != 24 {
		t.Fatalf("RetentionPeriodHours %d, want 24", aws.ToInt32(d.RetentionPeriodHours))
	}
	if d.StreamCreationTimestamp == nil || time.Since(*d.StreamCreationTimestamp) > time.Minute || time.Until(*d.StreamCreationTimestamp) > time.Minute {
		t.Fatalf("StreamCreationTimestamp %v is not about now", d.StreamCreationTimestamp)
	}
	if d.StreamModeDetails == nil || d.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Fatalf("StreamModeDetails %v, want PROVISIONED", d.StreamModeDetails)
	}
}

func testDescribeStreamSummary(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	d := out.StreamDescriptionSummary
	if aws.ToString(d.StreamName) != name || aws.ToString(d.StreamARN) != harness.StreamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.ToString(d.StreamName), aws.ToString(d.StreamARN), name, harness.StreamARN(name))
	}
	if d.StreamStatus != types.StreamStatusActive || aws.ToInt32(d.OpenShardCount) != 2 {
		t.Fatalf("StreamStatus %s, OpenShardCount %d; want ACTIVE, 2", d.StreamStatus, aws.ToInt32(d.OpenShardCount))
	}
	if aws.ToInt32(d.RetentionPeriodHours) != 24 || d.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("RetentionPeriodHours %d, EncryptionType %s; want 24, NONE", aws.ToInt32(d.RetentionPeriodHours), d.EncryptionType)
	}
}

func testListStreamsContainsIt(t *harness.T) {
	name := createStream(t, 2)
	in := &kinesis.ListStreamsInput{Limit: aws.Int32(100)}
	for page := 0; page < 1000; page++ {
		out, err := kin.ListStreams(ctx, in)
		t.Check(err, "ListStreams")
		for _, n := range out.StreamNames {
			if n == name {
				return
			}
		}
		if !aws.ToBool(out.HasMoreStreams) || len(out.StreamNames) == 0 {
			break
		}
		in = &kinesis.ListStreamsInput{Limit: aws.Int32(100), ExclusiveStartStreamName: aws.String(out.StreamNames[len(out.StreamNames)-1])}
	}
	t.Fatalf("ListStreams does not list %s", name)
}

func testListShardsCoverHashKeySpace(t *harness.T) {
	name := createStream(t, 2)
	harness.CheckHashKeySpace(t, shards(listShards(t, name)))
}

func testPutRecord(t *harness.T) {
	name := createStream(t, 2)
	first, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("hello")})
	t.Check(err, "PutRecord")
	if !regexp.MustCompile(`^shardId-00000000000[01]$`).MatchString(aws.ToString(first.ShardId)) {
		t.Fatalf("ShardId %q", aws.ToString(first.ShardId))
	}
	second, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("again")})
	t.Check(err, "second PutRecord")
	if aws.ToString(second.ShardId) != aws.ToString(first.ShardId) {
		t.Fatalf("the same partition key went to %s and %s", aws.ToString(first.ShardId), aws.ToString(second.ShardId))
	}
	if harness.BigInt(t, second.SequenceNumber).Cmp(harness.BigInt(t, first.SequenceNumber)) <= 0 {
		t.Fatalf("sequence numbers do not grow: %s then %s", aws.ToString(first.SequenceNumber), aws.ToString(second.SequenceNumber))
	}
}

func testPutRecordsAndGetRecordsRoundTrip(t *harness.T) {
	name := createStream(t, 2)
	data := harness.RecordData()
	entries := make([]types.PutRecordsRequestEntry, len(data))
	for i, d := range data {
		entries[i] = types.PutRecordsRequestEntry{Data: d, PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	out, err := kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
	t.Check(err, "PutRecords")
	if len(out.Records) != 10 || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want 10, 0", len(out.Records), aws.ToInt32(out.FailedRecordCount))
	}
	put := make([]harness.Put, len(out.Records))
	for i, r := range out.Records {
		if r.ErrorCode != nil || r.SequenceNumber == nil || r.ShardId == nil {
			t.Fatalf("result %d: %+v", i, r)
		}
		put[i] = harness.Put{SequenceNumber: r.SequenceNumber, ShardID: r.ShardId}
	}
	harness.CheckRoundTrip(t, data, put, func(shard string, want int) []harness.Record {
		return records(readRecords(t, kin, iterator(t, name, shard, types.ShardIteratorTypeTrimHorizon, nil), want))
	})
}

func testSequenceNumberIterators(t *harness.T) {
	name := createStream(t, 2)
	var seqs []*string
	var shard string
	for i := 0; i < 3; i++ {
		out, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("same-key"), Data: []byte{byte(i)}})
		t.Check(err, "PutRecord")
		seqs = append(seqs, out.SequenceNumber)
		shard = aws.ToString(out.ShardId)
	}
	at := readRecords(t, kin, iterator(t, name, shard, types.ShardIteratorTypeAtSequenceNumber, seqs[1]), 2)
	if len(at) != 2 || aws.ToString(at[0].SequenceNumber) != aws.ToString(seqs[1]) || aws.ToString(at[1].SequenceNumber) != aws.ToString(seqs[2]) {
		t.Fatalf("AT_SEQUENCE_NUMBER %s read %d records: %+v", aws.ToString(seqs[1]), len(at), at)
	}
	if !bytes.Equal(at[0].Data, []byte{1}) {
		t.Fatalf("AT_SEQUENCE_NUMBER read data %x, want 01", at[0].Data)
	}
	after := readRecords(t, kin, iterator(t, name, shard, types.ShardIteratorTypeAfterSequenceNumber, seqs[1]), 1)
	if len(after) != 1 || aws.ToString(after[0].SequenceNumber) != aws.ToString(seqs[2]) {
		t.Fatalf("AFTER_SEQUENCE_NUMBER %s read %+v, want only %s", aws.ToString(seqs[1]), after, aws.ToString(seqs[2]))
	}
}

func testTags(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(name),
		Tags: map[string]string{"team": "rivulet", "client": label}})
	t.Check(err, "AddTagsToStream")
	out, err := kin.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String(name)})
	t.Check(err, "ListTagsForStream")
	got := map[string]string{}
	for _, tag := range out.Tags {
		got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if len(got) != 2 || got["team"] != "rivulet" || got["client"] != label || aws.ToBool(out.HasMoreTags) {
		t.Fatalf("tags %v (HasMoreTags %v)", got, aws.ToBool(out.HasMoreTags))
	}
}

func testIncreaseRetentionPeriod(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(name), RetentionPeriodHours: aws.Int32(48)})
	t.Check(err, "IncreaseStreamRetentionPeriod")
	if d := waitActive(t, name); aws.ToInt32(d.RetentionPeriodHours) != 48 {
		t.Fatalf("RetentionPeriodHours %d, want 48", aws.ToInt32(d.RetentionPeriodHours))
	}
}

func testSplitShard(t *harness.T) {
	name := createStream(t, 2)
	before := listShards(t, name)
	var parent *types.Shard
	for i := range before {
		if aws.ToString(before[i].ShardId) == "shardId-000000000000" {
			parent = &before[i]
		}
	}
	if parent == nil {
		t.Fatalf("no shardId-000000000000 in %+v", before)
	}
	mid := harness.Midpoint(t, shard(*parent))
	_, err := kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(name),
		ShardToSplit: parent.ShardId, NewStartingHashKey: aws.String(mid.String())})
	t.Check(err, "SplitShard")
	waitActive(t, name)
	harness.CheckSplit(t, shard(*parent), mid, shards(listShards(t, name)))
	summary, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if n := aws.ToInt32(summary.StreamDescriptionSummary.OpenShardCount); n != 3 {
		t.Fatalf("OpenShardCount %d after the split, want 3", n)
	}
}

func testMissingStreamIsResourceNotFound(t *harness.T) {
	name := harness.MissingName()
	_, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	expectError(t, err, "ResourceNotFoundException", 400, harness.NotFoundMessage(name))
	var typed *types.ResourceNotFoundException
	if !errors.As(err, &typed) {
		t.Fatalf("the SDK did not deserialize its typed *types.ResourceNotFoundException: %T", err)
	}
	if aws.ToString(typed.Message) != harness.NotFoundMessage(name) {
		t.Fatalf("ResourceNotFoundException.Message %q", aws.ToString(typed.Message))
	}
}

func testLongPartitionKeyIsValidationError(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String(strings.Repeat("k", 257)), Data: []byte("x")})
	expectError(t, err, "ValidationException", 400,
		"1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.")
	// PutRecord's model lists no ValidationException (types.ValidationException belongs to other
	// operations), so the SDK hands it over as a generic API error with that code.
	var generic *smithy.GenericAPIError
	var typed *types.ValidationException
	if !errors.As(err, &generic) && !errors.As(err, &typed) {
		t.Fatalf("neither a *smithy.GenericAPIError nor a *types.ValidationException: %v", err)
	}
}

func testGarbageIteratorIsInvalidArgument(t *harness.T) {
	createStream(t, 2)
	_, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAGarbledIteratorThatIsNotBase64!!")})
	expectError(t, err, "InvalidArgumentException", 400, "Invalid ShardIterator.")
	var typed *types.InvalidArgumentException
	if !errors.As(err, &typed) {
		t.Fatalf("the SDK did not deserialize its typed *types.InvalidArgumentException: %T", err)
	}
}

func testDeleteStream(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DeleteStream")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			expectError(t, err, "ResourceNotFoundException", 400, harness.NotFoundMessage(name))
			return
		}
		if s := out.StreamDescriptionSummary.StreamStatus; s != types.StreamStatusDeleting {
			t.Fatalf("StreamStatus %s after DeleteStream", s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream still DELETING after 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Over TLS the client offers h2 by ALPN and the server should take it; over plain http Go's
// client speaks HTTP/1.1.
func testNegotiatedProtocol(t *harness.T) {
	name := createStream(t, 2)
	protocol.Take()
	_, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	_, err = kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("h2")})
	t.Check(err, "PutRecord")
	harness.CheckNegotiated(t, protocol.Take())
}

// A second client whose transport only speaks HTTP/1.1 (no h2 in ALPN).
func testHTTP11OnlyClient(t *harness.T) {
	name := createStream(t, 2)
	client, rec := newClient(harness.AccessKey, harness.SecretKey, harness.SessionToken, true)
	put, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte{0, 1, 2, 0xff}})
	t.Check(err, "PutRecord over HTTP/1.1")
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: put.ShardId,
		ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: put.SequenceNumber})
	t.Check(err, "GetShardIterator over HTTP/1.1")
	records := readRecords(t, client, it.ShardIterator, 1)
	if len(records) != 1 || !bytes.Equal(records[0].Data, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("read back %+v", records)
	}
	harness.CheckArrival(t, record(records[0]))
	harness.CheckHTTP11Only(t, rec.Take())
}

// sameErrorForExistingAndMissing: with bad credentials, DescribeStreamSummary of an existing
// stream and of a missing one fail alike, so the answer never tells whether a stream exists.
func sameErrorForExistingAndMissing(t *harness.T, client *kinesis.Client, code string, check func(*harness.T, string)) {
	name := createStream(t, 1)
	missing := harness.MissingName()
	_, errExisting := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	existing := expectError(t, errExisting, code, 400, "")
	check(t, existing.ErrorMessage())
	_, errMissing := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(missing)})
	absent := expectError(t, errMissing, code, 400, "")
	if existing.ErrorMessage() != absent.ErrorMessage() {
		t.Fatalf("an existing stream gives %q, a missing one %q", existing.ErrorMessage(), absent.ErrorMessage())
	}
}

func testWrongSecretIsInvalidSignature(t *harness.T) {
	harness.RequireAuthVerify(t)
	client, _ := newClient(harness.AccessKey, harness.SecretKey+"-wrong", harness.SessionToken, false)
	sameErrorForExistingAndMissing(t, client, "InvalidSignatureException", harness.CheckInvalidSignatureMessage)
}

func testUnknownAccessKeyIsUnrecognizedClient(t *harness.T) {
	harness.RequireAuthVerify(t)
	client, _ := newClient("AKIDUNKNOWN0000000000", harness.SecretKey, "", false)
	sameErrorForExistingAndMissing(t, client, "UnrecognizedClientException", harness.CheckUnrecognizedClientMessage)
}

func main() {
	harness.Configure(label)
	kin, protocol = newClient(harness.AccessKey, harness.SecretKey, harness.SessionToken, false)

	harness.Run(append([]harness.Test{
		{Name: "create_stream_waits_until_active", Fn: testCreateStreamWaitsUntilActive},
		{Name: "describe_stream", Fn: testDescribeStream},
		{Name: "describe_stream_summary", Fn: testDescribeStreamSummary},
		{Name: "list_streams_contains_it", Fn: testListStreamsContainsIt},
		{Name: "list_shards_cover_the_hash_key_space", Fn: testListShardsCoverHashKeySpace},
		{Name: "put_record", Fn: testPutRecord},
		{Name: "put_records_and_get_records_round_trip", Fn: testPutRecordsAndGetRecordsRoundTrip},
		{Name: "sequence_number_iterators", Fn: testSequenceNumberIterators},
		{Name: "tags", Fn: testTags},
		{Name: "increase_retention_period", Fn: testIncreaseRetentionPeriod},
		{Name: "split_shard", Fn: testSplitShard},
		{Name: "missing_stream_is_resource_not_found", Fn: testMissingStreamIsResourceNotFound},
		{Name: "long_partition_key_is_validation_error", Fn: testLongPartitionKeyIsValidationError},
		{Name: "garbage_iterator_is_invalid_argument", Fn: testGarbageIteratorIsInvalidArgument},
		{Name: "delete_stream", Fn: testDeleteStream},
		{Name: "negotiated_protocol", Fn: testNegotiatedProtocol},
		{Name: "http11_only_client", Fn: testHTTP11OnlyClient},
		{Name: "wrong_secret_is_invalid_signature", Fn: testWrongSecretIsInvalidSignature},
		{Name: "unknown_access_key_is_unrecognized_client", Fn: testUnknownAccessKeyIsUnrecognizedClient},
	}, append(subscribeTests, faultTests...)...))
}
