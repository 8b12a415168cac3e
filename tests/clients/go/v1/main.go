// Compatibility tests driving Rivulet through the AWS SDK for Go v1 (github.com/aws/aws-sdk-go,
// service/kinesis) as Debian packages it. The runner, the environment it reads (RIVULET_ENDPOINT,
// RIVULET_CA_FILE, AWS_ACCESS_KEY_ID, RIVULET_AUTH_VERIFY, ...) and the checks that need no SDK
// are in ../harness: every test creates its own stream and prints `ok <name>`, `FAIL <name>:
// <reason>` or `skip <name>: <reason>`; the last line is `go-v1: N passed, N failed, N skipped`,
// and the exit status is 1 on any failure. An argument runs only the tests whose names contain it.
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/kinesis"

	"../harness"
)

const label = "go-v1"

// ---- clients -------------------------------------------------------------------------------------

var (
	kin      *kinesis.Kinesis       // the client every test uses
	protocol *harness.ProtoRecorder // the protocols of its responses
)

// newClient builds a Kinesis client with static credentials, no shared config files, no retries;
// optFns may change the configuration (another endpoint, a retryer) before the session is made.
func newClient(key, secret, token string, http1Only bool, optFns ...func(*aws.Config)) (*kinesis.Kinesis, *harness.ProtoRecorder) {
	httpClient, rec := harness.NewHTTPClient(http1Only)
	cfg := aws.Config{
		Endpoint:    aws.String(harness.Endpoint),
		Region:      aws.String(harness.Region),
		Credentials: credentials.NewStaticCredentials(key, secret, token),
		HTTPClient:  httpClient,
		MaxRetries:  aws.Int(0),
	}
	for _, fn := range optFns {
		fn(&cfg)
	}
	sess, err := session.NewSessionWithOptions(session.Options{
		Config:            cfg,
		SharedConfigState: session.SharedConfigDisable,
		SharedConfigFiles: []string{}, // read no ~/.aws file
	})
	if err != nil {
		harness.SetupFailed(1, fmt.Errorf("session: %v", err))
	}
	return kinesis.New(sess), rec
}

// isolateSession clears the settings the session would otherwise take from the environment and
// that could point it elsewhere or replace the transport.
func isolateSession() {
	for _, name := range []string{"AWS_CA_BUNDLE", "AWS_SDK_GO_CLIENT_TLS_CERT", "AWS_SDK_GO_CLIENT_TLS_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SDK_LOAD_CONFIG", "AWS_CSM_ENABLED"} {
		os.Unsetenv(name)
	}
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// ---- helpers -------------------------------------------------------------------------------------

// shard and record hand the checks of ../harness what they read of the SDK's values.
func shard(s *kinesis.Shard) harness.Shard {
	h := harness.Shard{ShardID: s.ShardId, ParentShardID: s.ParentShardId}
	if r := s.HashKeyRange; r != nil {
		h.StartingHashKey, h.EndingHashKey = r.StartingHashKey, r.EndingHashKey
	}
	if r := s.SequenceNumberRange; r != nil {
		h.EndingSequenceNumber = r.EndingSequenceNumber
	}
	return h
}

func shards(list []*kinesis.Shard) []harness.Shard {
	out := make([]harness.Shard, len(list))
	for i, s := range list {
		out[i] = shard(s)
	}
	return out
}

func record(r *kinesis.Record) harness.Record {
	return harness.Record{SequenceNumber: r.SequenceNumber, PartitionKey: r.PartitionKey, Data: r.Data,
		ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp}
}

func records(list []*kinesis.Record) []harness.Record {
	out := make([]harness.Record, len(list))
	for i, r := range list {
		out[i] = record(r)
	}
	return out
}

// createStream creates a stream of `shards` shards, waits for it with the SDK's waiter and deletes
// it when the test ends.
func createStream(t *harness.T, shards int64) string { return createStreamOn(t, kin, shards) }

// createStreamOn is createStream through another client (of another server).
func createStreamOn(t *harness.T, client *kinesis.Kinesis, shards int64) string {
	name := harness.UniqueName()
	_, err := client.CreateStream(&kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int64(shards)})
	t.Check(err, "CreateStream")
	t.Cleanup(func() {
		_, _ = client.DeleteStream(&kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	err = client.WaitUntilStreamExistsWithContext(aws.BackgroundContext(),
		&kinesis.DescribeStreamInput{StreamName: aws.String(name)},
		request.WithWaiterDelay(request.ConstantWaiterDelay(200*time.Millisecond)),
		request.WithWaiterMaxAttempts(150))
	t.Check(err, "WaitUntilStreamExists")
	return name
}

// waitActive polls DescribeStreamSummary until the stream is ACTIVE again (after a reshard or an
// update).
func waitActive(t *harness.T, name string) *kinesis.StreamDescriptionSummary {
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		t.Check(err, "DescribeStreamSummary")
		if aws.StringValue(out.StreamDescriptionSummary.StreamStatus) == kinesis.StreamStatusActive {
			return out.StreamDescriptionSummary
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s still %s after 30 s", name, aws.StringValue(out.StreamDescriptionSummary.StreamStatus))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func listShards(t *harness.T, name string) []*kinesis.Shard {
	var shards []*kinesis.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(name)}
	for i := 0; i < 100; i++ {
		out, err := kin.ListShards(in)
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

func iterator(t *harness.T, name, shardID, kind string, seq *string) *string {
	out, err := kin.GetShardIterator(&kinesis.GetShardIteratorInput{
		StreamName: aws.String(name), ShardId: aws.String(shardID),
		ShardIteratorType: aws.String(kind), StartingSequenceNumber: seq,
	})
	t.Check(err, "GetShardIterator "+kind)
	if aws.StringValue(out.ShardIterator) == "" {
		t.Fatalf("GetShardIterator %s returned no iterator", kind)
	}
	return out.ShardIterator
}

// readRecords follows an iterator until `want` records came back (or 20 calls).
func readRecords(t *harness.T, client *kinesis.Kinesis, it *string, want int) []*kinesis.Record {
	var records []*kinesis.Record
	for i := 0; i < 20 && len(records) < want && it != nil; i++ {
		out, err := client.GetRecords(&kinesis.GetRecordsInput{ShardIterator: it})
		t.Check(err, "GetRecords")
		records = append(records, out.Records...)
		if out.MillisBehindLatest == nil {
			t.Fatalf("GetRecords answer without MillisBehindLatest")
		}
		it = out.NextShardIterator
	}
	return records
}

// expectError checks an SDK error's code, HTTP status and (when message != "") its message.
func expectError(t *harness.T, err error, code string, status int, message string) awserr.Error {
	if err == nil {
		t.Fatalf("expected %s, the call succeeded", code)
	}
	aerr, ok := err.(awserr.Error)
	if !ok {
		t.Fatalf("expected an awserr.Error %s, got %T: %v", code, err, err)
	}
	if aerr.Code() != code {
		t.Fatalf("expected error code %s, got %s (%q)", code, aerr.Code(), aerr.Message())
	}
	if rf, ok := err.(awserr.RequestFailure); !ok || rf.StatusCode() != status {
		t.Fatalf("expected HTTP %d for %s, got %v", status, code, err)
	}
	if message != "" && aerr.Message() != message {
		t.Fatalf("%s message: expected %q, got %q", code, message, aerr.Message())
	}
	return aerr
}

// ---- tests ---------------------------------------------------------------------------------------

func testCreateStreamWaitsUntilActive(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if s := aws.StringValue(out.StreamDescriptionSummary.StreamStatus); s != "ACTIVE" {
		t.Fatalf("StreamStatus %s after the waiter, want ACTIVE", s)
	}
}

func testDescribeStream(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStream(&kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStream")
	d := out.StreamDescription
	if aws.StringValue(d.StreamName) != name || aws.StringValue(d.StreamARN) != harness.StreamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.StringValue(d.StreamName), aws.StringValue(d.StreamARN), name, harness.StreamARN(name))
	}
	if aws.StringValue(d.StreamStatus) != "ACTIVE" {
		t.Fatalf("StreamStatus %s", aws.StringValue(d.StreamStatus))
	}
	if len(d.Shards) != 2 || aws.BoolValue(d.HasMoreShards) {
		t.Fatalf("%d shards (HasMoreShards %v), want 2", len(d.Shards), aws.BoolValue(d.HasMoreShards))
	}
	for _, s := range d.Shards {
		if s.SequenceNumberRange == nil || s.SequenceNumberRange.StartingSequenceNumber == nil {
			t.Fatalf("shard %s has no StartingSequenceNumber", aws.StringValue(s.ShardId))
		}
		if s.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("new shard %s is closed", aws.StringValue(s.ShardId))
		}
	}
	if aws.Int64Value(d.RetentionPeriodHours) != 24 {
		t.Fatalf("RetentionPeriodHours %d, want 24", aws.Int64Value(d.RetentionPeriodHours))
	}
	if d.StreamCreationTimestamp == nil || time.Since(*d.StreamCreationTimestamp) > time.Minute || time.Until(*d.StreamCreationTimestamp) > time.Minute {
		t.Fatalf("StreamCreationTimestamp %v is not about now", d.StreamCreationTimestamp)
	}
	if d.StreamModeDetails == nil || aws.StringValue(d.StreamModeDetails.StreamMode) != "PROVISIONED" {
		t.Fatalf("StreamModeDetails %v, want PROVISIONED", d.StreamModeDetails)
	}
}

func testDescribeStreamSummary(t *harness.T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	d := out.StreamDescriptionSummary
	if aws.StringValue(d.StreamName) != name || aws.StringValue(d.StreamARN) != harness.StreamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.StringValue(d.StreamName), aws.StringValue(d.StreamARN), name, harness.StreamARN(name))
	}
	if aws.StringValue(d.StreamStatus) != "ACTIVE" || aws.Int64Value(d.OpenShardCount) != 2 {
		t.Fatalf("StreamStatus %s, OpenShardCount %d; want ACTIVE, 2", aws.StringValue(d.StreamStatus), aws.Int64Value(d.OpenShardCount))
	}
	if aws.Int64Value(d.RetentionPeriodHours) != 24 || aws.StringValue(d.EncryptionType) != "NONE" {
		t.Fatalf("RetentionPeriodHours %d, EncryptionType %s; want 24, NONE", aws.Int64Value(d.RetentionPeriodHours), aws.StringValue(d.EncryptionType))
	}
}

func testListStreamsContainsIt(t *harness.T) {
	name := createStream(t, 2)
	in := &kinesis.ListStreamsInput{Limit: aws.Int64(100)}
	for page := 0; page < 1000; page++ {
		out, err := kin.ListStreams(in)
		t.Check(err, "ListStreams")
		for _, n := range out.StreamNames {
			if aws.StringValue(n) == name {
				return
			}
		}
		if !aws.BoolValue(out.HasMoreStreams) || len(out.StreamNames) == 0 {
			break
		}
		in = &kinesis.ListStreamsInput{Limit: aws.Int64(100), ExclusiveStartStreamName: out.StreamNames[len(out.StreamNames)-1]}
	}
	t.Fatalf("ListStreams does not list %s", name)
}

func testListShardsCoverHashKeySpace(t *harness.T) {
	name := createStream(t, 2)
	harness.CheckHashKeySpace(t, shards(listShards(t, name)))
}

func testPutRecord(t *harness.T) {
	name := createStream(t, 2)
	first, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("hello")})
	t.Check(err, "PutRecord")
	if !regexp.MustCompile(`^shardId-00000000000[01]$`).MatchString(aws.StringValue(first.ShardId)) {
		t.Fatalf("ShardId %q", aws.StringValue(first.ShardId))
	}
	second, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("again")})
	t.Check(err, "second PutRecord")
	if aws.StringValue(second.ShardId) != aws.StringValue(first.ShardId) {
		t.Fatalf("the same partition key went to %s and %s", aws.StringValue(first.ShardId), aws.StringValue(second.ShardId))
	}
	if harness.BigInt(t, second.SequenceNumber).Cmp(harness.BigInt(t, first.SequenceNumber)) <= 0 {
		t.Fatalf("sequence numbers do not grow: %s then %s", aws.StringValue(first.SequenceNumber), aws.StringValue(second.SequenceNumber))
	}
}

func testPutRecordsAndGetRecordsRoundTrip(t *harness.T) {
	name := createStream(t, 2)
	data := harness.RecordData()
	entries := make([]*kinesis.PutRecordsRequestEntry, len(data))
	for i, d := range data {
		entries[i] = &kinesis.PutRecordsRequestEntry{Data: d, PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	out, err := kin.PutRecords(&kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
	t.Check(err, "PutRecords")
	if len(out.Records) != 10 || aws.Int64Value(out.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want 10, 0", len(out.Records), aws.Int64Value(out.FailedRecordCount))
	}
	put := make([]harness.Put, len(out.Records))
	for i, r := range out.Records {
		if r.ErrorCode != nil || r.SequenceNumber == nil || r.ShardId == nil {
			t.Fatalf("result %d: %v", i, r)
		}
		put[i] = harness.Put{SequenceNumber: r.SequenceNumber, ShardID: r.ShardId}
	}
	harness.CheckRoundTrip(t, data, put, func(shard string, want int) []harness.Record {
		return records(readRecords(t, kin, iterator(t, name, shard, "TRIM_HORIZON", nil), want))
	})
}

func testSequenceNumberIterators(t *harness.T) {
	name := createStream(t, 2)
	var seqs []*string
	var shard string
	for i := 0; i < 3; i++ {
		out, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("same-key"), Data: []byte{byte(i)}})
		t.Check(err, "PutRecord")
		seqs = append(seqs, out.SequenceNumber)
		shard = aws.StringValue(out.ShardId)
	}
	at := readRecords(t, kin, iterator(t, name, shard, "AT_SEQUENCE_NUMBER", seqs[1]), 2)
	if len(at) != 2 || aws.StringValue(at[0].SequenceNumber) != aws.StringValue(seqs[1]) || aws.StringValue(at[1].SequenceNumber) != aws.StringValue(seqs[2]) {
		t.Fatalf("AT_SEQUENCE_NUMBER %s read %d records starting %v", aws.StringValue(seqs[1]), len(at), at)
	}
	if !bytes.Equal(at[0].Data, []byte{1}) {
		t.Fatalf("AT_SEQUENCE_NUMBER read data %x, want 01", at[0].Data)
	}
	after := readRecords(t, kin, iterator(t, name, shard, "AFTER_SEQUENCE_NUMBER", seqs[1]), 1)
	if len(after) != 1 || aws.StringValue(after[0].SequenceNumber) != aws.StringValue(seqs[2]) {
		t.Fatalf("AFTER_SEQUENCE_NUMBER %s read %v, want only %s", aws.StringValue(seqs[1]), after, aws.StringValue(seqs[2]))
	}
}

func testTags(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.AddTagsToStream(&kinesis.AddTagsToStreamInput{StreamName: aws.String(name),
		Tags: map[string]*string{"team": aws.String("rivulet"), "client": aws.String(label)}})
	t.Check(err, "AddTagsToStream")
	out, err := kin.ListTagsForStream(&kinesis.ListTagsForStreamInput{StreamName: aws.String(name)})
	t.Check(err, "ListTagsForStream")
	got := map[string]string{}
	for _, tag := range out.Tags {
		got[aws.StringValue(tag.Key)] = aws.StringValue(tag.Value)
	}
	if len(got) != 2 || got["team"] != "rivulet" || got["client"] != label || aws.BoolValue(out.HasMoreTags) {
		t.Fatalf("tags %v (HasMoreTags %v)", got, aws.BoolValue(out.HasMoreTags))
	}
}

func testIncreaseRetentionPeriod(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.IncreaseStreamRetentionPeriod(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(name), RetentionPeriodHours: aws.Int64(48)})
	t.Check(err, "IncreaseStreamRetentionPeriod")
	if d := waitActive(t, name); aws.Int64Value(d.RetentionPeriodHours) != 48 {
		t.Fatalf("RetentionPeriodHours %d, want 48", aws.Int64Value(d.RetentionPeriodHours))
	}
}

func testSplitShard(t *harness.T) {
	name := createStream(t, 2)
	before := listShards(t, name)
	var parent *kinesis.Shard
	for _, s := range before {
		if aws.StringValue(s.ShardId) == "shardId-000000000000" {
			parent = s
		}
	}
	if parent == nil {
		t.Fatalf("no shardId-000000000000 in %v", before)
	}
	mid := harness.Midpoint(t, shard(parent))
	_, err := kin.SplitShard(&kinesis.SplitShardInput{StreamName: aws.String(name),
		ShardToSplit: parent.ShardId, NewStartingHashKey: aws.String(mid.String())})
	t.Check(err, "SplitShard")
	waitActive(t, name)
	harness.CheckSplit(t, shard(parent), mid, shards(listShards(t, name)))
	summary, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if n := aws.Int64Value(summary.StreamDescriptionSummary.OpenShardCount); n != 3 {
		t.Fatalf("OpenShardCount %d after the split, want 3", n)
	}
}

func testMissingStreamIsResourceNotFound(t *harness.T) {
	name := harness.MissingName()
	_, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, harness.NotFoundMessage(name))
	if _, ok := err.(*kinesis.ResourceNotFoundException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceNotFoundException: %T", err)
	}
}

func testLongPartitionKeyIsValidationError(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String(strings.Repeat("k", 257)), Data: []byte("x")})
	expectError(t, err, "ValidationException", 400,
		"1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.")
}

func testGarbageIteratorIsInvalidArgument(t *harness.T) {
	createStream(t, 2)
	_, err := kin.GetRecords(&kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAGarbledIteratorThatIsNotBase64!!")})
	expectError(t, err, kinesis.ErrCodeInvalidArgumentException, 400, "Invalid ShardIterator.")
	if _, ok := err.(*kinesis.InvalidArgumentException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.InvalidArgumentException: %T", err)
	}
}

func testDeleteStream(t *harness.T) {
	name := createStream(t, 2)
	_, err := kin.DeleteStream(&kinesis.DeleteStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DeleteStream")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, harness.NotFoundMessage(name))
			return
		}
		if s := aws.StringValue(out.StreamDescriptionSummary.StreamStatus); s != "DELETING" {
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
	_, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	_, err = kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("h2")})
	t.Check(err, "PutRecord")
	harness.CheckNegotiated(t, protocol.Take())
}

// A second client whose transport only speaks HTTP/1.1 (no h2 in ALPN).
func testHTTP11OnlyClient(t *harness.T) {
	name := createStream(t, 2)
	client, rec := newClient(harness.AccessKey, harness.SecretKey, harness.SessionToken, true)
	put, err := client.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte{0, 1, 2, 0xff}})
	t.Check(err, "PutRecord over HTTP/1.1")
	it, err := client.GetShardIterator(&kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: put.ShardId,
		ShardIteratorType: aws.String("AT_SEQUENCE_NUMBER"), StartingSequenceNumber: put.SequenceNumber})
	t.Check(err, "GetShardIterator over HTTP/1.1")
	records := readRecords(t, client, it.ShardIterator, 1)
	if len(records) != 1 || !bytes.Equal(records[0].Data, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("read back %v", records)
	}
	harness.CheckArrival(t, record(records[0]))
	harness.CheckHTTP11Only(t, rec.Take())
}

// sameErrorForExistingAndMissing: with bad credentials, DescribeStreamSummary of an existing
// stream and of a missing one fail alike, so the answer never tells whether a stream exists.
func sameErrorForExistingAndMissing(t *harness.T, client *kinesis.Kinesis, code string, check func(*harness.T, string)) {
	name := createStream(t, 1)
	missing := harness.MissingName()
	_, errExisting := client.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	existing := expectError(t, errExisting, code, 400, "")
	check(t, existing.Message())
	_, errMissing := client.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(missing)})
	absent := expectError(t, errMissing, code, 400, "")
	if existing.Message() != absent.Message() {
		t.Fatalf("an existing stream gives %q, a missing one %q", existing.Message(), absent.Message())
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
	isolateSession()
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
