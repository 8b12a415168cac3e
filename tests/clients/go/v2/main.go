// Compatibility tests driving Rivulet through the AWS SDK for Go v2 (github.com/aws/aws-sdk-go-v2,
// service/kinesis and its types, with smithy-go) as Debian packages it. A tiny runner: every test
// creates its own stream, runs under a recover and prints `ok <name>`, `FAIL <name>: <reason>` or
// `skip <name>: <reason>`; the last line is `go-v2: N passed, N failed, N skipped`, and the exit
// status is 1 on any failure.
//
// Environment: RIVULET_ENDPOINT (http:// or https://), RIVULET_CA_FILE (PEM to trust for https),
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, RIVULET_REGION (us-east-1),
// RIVULET_ACCOUNT_ID (the server's account for access keys that name none, default 000000000000;
// a 12-digit access key ID is its own account), RIVULET_AUTH_VERIFY=1 (the server checks
// signatures: run the credential tests). An argument runs only the tests whose names contain it.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

const label = "go-v2"

var ctx = context.Background()

// ---- runner --------------------------------------------------------------------------------------

type failure struct{ msg string }
type skipped struct{ reason string }

// T is what a test gets: Fatalf and Skip end it, Cleanup registers what runs after it in any case.
type T struct{ cleanups []func() }

func (t *T) Fatalf(format string, args ...interface{}) { panic(failure{fmt.Sprintf(format, args...)}) }
func (t *T) Skip(reason string)                        { panic(skipped{reason}) }
func (t *T) Cleanup(fn func())                         { t.cleanups = append(t.cleanups, fn) }
func (t *T) Check(err error, what string) {
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

type testCase struct {
	name string
	fn   func(*T)
}

// run returns "ok", "skip" or "fail" and prints the test's line.
func run(tc testCase) (outcome string) {
	t := &T{}
	defer func() {
		for i := len(t.cleanups) - 1; i >= 0; i-- {
			func() {
				defer func() { _ = recover() }()
				t.cleanups[i]()
			}()
		}
	}()
	defer func() {
		switch r := recover().(type) {
		case nil:
			fmt.Printf("ok %s\n", tc.name)
			outcome = "ok"
		case skipped:
			fmt.Printf("skip %s: %s\n", tc.name, r.reason)
			outcome = "skip"
		case failure:
			fmt.Printf("FAIL %s: %s\n", tc.name, oneLine(r.msg))
			outcome = "fail"
		default:
			fmt.Printf("FAIL %s: panic: %s\n", tc.name, oneLine(fmt.Sprint(r)))
			fmt.Fprintf(os.Stderr, "%s\n", debug.Stack())
			outcome = "fail"
		}
	}()
	tc.fn(t)
	return
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

// ---- configuration and clients ------------------------------------------------------------------

var (
	endpoint     string
	isHTTPS      bool
	region       string
	accessKey    string
	secretKey    string
	sessionToken string
	account      string
	authVerify   bool
	caPool       *x509.CertPool

	kin      *kinesis.Client // the client every test uses
	protocol *protoRecorder  // the protocols of its responses
)

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// protoRecorder wraps a transport and keeps the protocol of every response (resp.Proto).
type protoRecorder struct {
	base   http.RoundTripper
	mu     sync.Mutex
	protos []string
}

func (r *protoRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.protos = append(r.protos, resp.Proto)
		r.mu.Unlock()
	}
	return resp, err
}

// take returns the protocols recorded since the last take and forgets them.
func (r *protoRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.protos
	r.protos = nil
	return p
}

// newTransport: never a proxy (all traffic stays on the loopback endpoint); over TLS HTTP/2 is
// offered by ALPN unless http1Only, which leaves only HTTP/1.1 (an empty, non-nil TLSNextProto).
func newTransport(http1Only bool) *http.Transport {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: caPool},
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     !http1Only,
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if http1Only {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return tr
}

// newClient builds a Kinesis client directly from Options: static credentials, the endpoint by
// URL, one attempt per call; no shared config, environment or IMDS lookups are involved.
func newClient(key, secret, token string, http1Only bool) (*kinesis.Client, *protoRecorder) {
	rec := &protoRecorder{base: newTransport(http1Only)}
	return kinesis.New(kinesis.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, token),
		EndpointResolver: kinesis.EndpointResolverFromURL(endpoint),
		HTTPClient:       &http.Client{Transport: rec, Timeout: 30 * time.Second},
		RetryMaxAttempts: 1,
	}), rec
}

func configure() error {
	endpoint = os.Getenv("RIVULET_ENDPOINT")
	if endpoint == "" {
		return fmt.Errorf("RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:4567)")
	}
	switch {
	case strings.HasPrefix(endpoint, "https://"):
		isHTTPS = true
	case strings.HasPrefix(endpoint, "http://"):
	default:
		return fmt.Errorf("RIVULET_ENDPOINT must start with http:// or https://, got %q", endpoint)
	}
	region = getenv("RIVULET_REGION", "us-east-1")
	accessKey = getenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	secretKey = getenv("AWS_SECRET_ACCESS_KEY", "secret")
	sessionToken = os.Getenv("AWS_SESSION_TOKEN")
	// The account in ARNs, as the server decides it: a 12-digit access key ID is the account,
	// any other key belongs to the server's --account-id (RIVULET_ACCOUNT_ID, default 000000000000).
	account = getenv("RIVULET_ACCOUNT_ID", "000000000000")
	if regexp.MustCompile(`^[0-9]{12}$`).MatchString(accessKey) {
		account = accessKey
	}
	authVerify = os.Getenv("RIVULET_AUTH_VERIFY") == "1"
	if file := os.Getenv("RIVULET_CA_FILE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("RIVULET_CA_FILE: %v", err)
		}
		caPool = x509.NewCertPool()
		if !caPool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("RIVULET_CA_FILE %s holds no PEM certificate", file)
		}
	}
	return nil
}

// ---- helpers -------------------------------------------------------------------------------------

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func uniqueName() string { return label + "-" + randomHex(6) }

func streamARN(name string) string {
	return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", region, account, name)
}

func notFoundMessage(name string) string {
	return fmt.Sprintf("Stream %s under account %s not found.", name, account)
}

// createStream creates a stream of `shards` shards, waits for it with the SDK's StreamExistsWaiter
// and deletes it when the test ends.
func createStream(t *T, shards int32) string {
	name := uniqueName()
	_, err := kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)})
	t.Check(err, "CreateStream")
	t.Cleanup(func() {
		_, _ = kin.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	waiter := kinesis.NewStreamExistsWaiter(kin, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay = 200 * time.Millisecond
		o.MaxDelay = time.Second
	})
	t.Check(waiter.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second), "StreamExistsWaiter")
	return name
}

// waitActive polls DescribeStreamSummary until the stream is ACTIVE again (after a reshard or an
// update).
func waitActive(t *T, name string) *types.StreamDescriptionSummary {
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

func listShards(t *T, name string) []types.Shard {
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

func bigInt(t *T, s *string) *big.Int {
	v, ok := new(big.Int).SetString(aws.ToString(s), 10)
	if !ok {
		t.Fatalf("not a decimal number: %q", aws.ToString(s))
	}
	return v
}

var maxHashKey = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

func iterator(t *T, name, shardID string, kind types.ShardIteratorType, seq *string) *string {
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
func readRecords(t *T, client *kinesis.Client, it *string, want int) []types.Record {
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

func checkArrival(t *T, r types.Record) {
	if r.ApproximateArrivalTimestamp == nil {
		t.Fatalf("record %s has no ApproximateArrivalTimestamp", aws.ToString(r.SequenceNumber))
	}
	if d := time.Since(*r.ApproximateArrivalTimestamp); d > time.Minute || d < -time.Minute {
		t.Fatalf("ApproximateArrivalTimestamp %s is %s away from now", r.ApproximateArrivalTimestamp.Format(time.RFC3339Nano), d)
	}
}

// expectError checks an SDK error's smithy code, HTTP status and (when message != "") message.
func expectError(t *T, err error, code string, status int, message string) smithy.APIError {
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

func testCreateStreamWaitsUntilActive(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if s := out.StreamDescriptionSummary.StreamStatus; s != types.StreamStatusActive {
		t.Fatalf("StreamStatus %s after the waiter, want ACTIVE", s)
	}
}

func testDescribeStream(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStream")
	d := out.StreamDescription
	if aws.ToString(d.StreamName) != name || aws.ToString(d.StreamARN) != streamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.ToString(d.StreamName), aws.ToString(d.StreamARN), name, streamARN(name))
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

func testDescribeStreamSummary(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	d := out.StreamDescriptionSummary
	if aws.ToString(d.StreamName) != name || aws.ToString(d.StreamARN) != streamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.ToString(d.StreamName), aws.ToString(d.StreamARN), name, streamARN(name))
	}
	if d.StreamStatus != types.StreamStatusActive || aws.ToInt32(d.OpenShardCount) != 2 {
		t.Fatalf("StreamStatus %s, OpenShardCount %d; want ACTIVE, 2", d.StreamStatus, aws.ToInt32(d.OpenShardCount))
	}
	if aws.ToInt32(d.RetentionPeriodHours) != 24 || d.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("RetentionPeriodHours %d, EncryptionType %s; want 24, NONE", aws.ToInt32(d.RetentionPeriodHours), d.EncryptionType)
	}
}

func testListStreamsContainsIt(t *T) {
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

func testListShardsCoverHashKeySpace(t *T) {
	name := createStream(t, 2)
	shards := listShards(t, name)
	if len(shards) != 2 {
		t.Fatalf("%d shards, want 2", len(shards))
	}
	sort.Slice(shards, func(i, j int) bool {
		return bigInt(t, shards[i].HashKeyRange.StartingHashKey).Cmp(bigInt(t, shards[j].HashKeyRange.StartingHashKey)) < 0
	})
	next := big.NewInt(0)
	for _, s := range shards {
		start, end := bigInt(t, s.HashKeyRange.StartingHashKey), bigInt(t, s.HashKeyRange.EndingHashKey)
		if start.Cmp(next) != 0 || end.Cmp(start) < 0 {
			t.Fatalf("shard %s covers %s..%s, expected to start at %s", aws.ToString(s.ShardId), start, end, next)
		}
		next = new(big.Int).Add(end, big.NewInt(1))
	}
	if last := new(big.Int).Sub(next, big.NewInt(1)); last.Cmp(maxHashKey) != 0 {
		t.Fatalf("the shards end at %s, not 2^128-1", last)
	}
	if ids := []string{aws.ToString(shards[0].ShardId), aws.ToString(shards[1].ShardId)}; ids[0] != "shardId-000000000000" || ids[1] != "shardId-000000000001" {
		t.Fatalf("shard ids %v", ids)
	}
}

func testPutRecord(t *T) {
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
	if bigInt(t, second.SequenceNumber).Cmp(bigInt(t, first.SequenceNumber)) <= 0 {
		t.Fatalf("sequence numbers do not grow: %s then %s", aws.ToString(first.SequenceNumber), aws.ToString(second.SequenceNumber))
	}
}

// recordData returns ten payloads: all 256 byte values, and binary mixes of NULs, 0xff and
// random bytes of varied lengths.
func recordData() [][]byte {
	data := make([][]byte, 10)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	data[0] = all
	for i := 1; i < 10; i++ {
		random := make([]byte, 1+i*37)
		_, _ = rand.Read(random)
		data[i] = append([]byte{0x00, 0xff, byte(i), 0x80, '\n', '"', '\\'}, random...)
	}
	return data
}

func testPutRecordsAndGetRecordsRoundTrip(t *T) {
	name := createStream(t, 2)
	data := recordData()
	entries := make([]types.PutRecordsRequestEntry, len(data))
	for i, d := range data {
		entries[i] = types.PutRecordsRequestEntry{Data: d, PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	out, err := kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
	t.Check(err, "PutRecords")
	if len(out.Records) != 10 || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want 10, 0", len(out.Records), aws.ToInt32(out.FailedRecordCount))
	}
	bySeq := map[string]int{}
	perShard := map[string]int{}
	for i, r := range out.Records {
		if r.ErrorCode != nil || r.SequenceNumber == nil || r.ShardId == nil {
			t.Fatalf("result %d: %+v", i, r)
		}
		bySeq[aws.ToString(r.SequenceNumber)] = i
		perShard[aws.ToString(r.ShardId)]++
	}
	seen := 0
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		records := readRecords(t, kin, iterator(t, name, shard, types.ShardIteratorTypeTrimHorizon, nil), perShard[shard])
		if len(records) != perShard[shard] {
			t.Fatalf("%s: read %d records, PutRecords put %d there", shard, len(records), perShard[shard])
		}
		var previous *big.Int
		for _, r := range records {
			i, ok := bySeq[aws.ToString(r.SequenceNumber)]
			if !ok {
				t.Fatalf("%s: unknown sequence number %s", shard, aws.ToString(r.SequenceNumber))
			}
			if aws.ToString(out.Records[i].ShardId) != shard {
				t.Fatalf("record %d read from %s, PutRecords said %s", i, shard, aws.ToString(out.Records[i].ShardId))
			}
			if !bytes.Equal(r.Data, data[i]) {
				t.Fatalf("record %d: data differs: got %x, want %x", i, r.Data, data[i])
			}
			if want := fmt.Sprintf("pk-%d", i); aws.ToString(r.PartitionKey) != want {
				t.Fatalf("record %d: PartitionKey %q, want %q", i, aws.ToString(r.PartitionKey), want)
			}
			checkArrival(t, r)
			seq := bigInt(t, r.SequenceNumber)
			if previous != nil && seq.Cmp(previous) <= 0 {
				t.Fatalf("%s: records out of order", shard)
			}
			previous = seq
			seen++
		}
	}
	if seen != 10 {
		t.Fatalf("read back %d of 10 records", seen)
	}
}

func testSequenceNumberIterators(t *T) {
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

func testTags(t *T) {
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

func testIncreaseRetentionPeriod(t *T) {
	name := createStream(t, 2)
	_, err := kin.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(name), RetentionPeriodHours: aws.Int32(48)})
	t.Check(err, "IncreaseStreamRetentionPeriod")
	if d := waitActive(t, name); aws.ToInt32(d.RetentionPeriodHours) != 48 {
		t.Fatalf("RetentionPeriodHours %d, want 48", aws.ToInt32(d.RetentionPeriodHours))
	}
}

func testSplitShard(t *T) {
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
	start, end := bigInt(t, parent.HashKeyRange.StartingHashKey), bigInt(t, parent.HashKeyRange.EndingHashKey)
	mid := new(big.Int).Rsh(new(big.Int).Add(start, end), 1)
	_, err := kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(name),
		ShardToSplit: parent.ShardId, NewStartingHashKey: aws.String(mid.String())})
	t.Check(err, "SplitShard")
	waitActive(t, name)
	after := listShards(t, name)
	if len(after) != 4 {
		t.Fatalf("%d shards after the split, want 4 (the parent, its sibling, two children)", len(after))
	}
	var children []types.Shard
	for _, s := range after {
		switch {
		case aws.ToString(s.ShardId) == "shardId-000000000000":
			if s.SequenceNumberRange.EndingSequenceNumber == nil {
				t.Fatalf("the split parent is still open")
			}
		case aws.ToString(s.ParentShardId) == "shardId-000000000000":
			children = append(children, s)
		}
	}
	if len(children) != 2 {
		t.Fatalf("%d children of shardId-000000000000, want 2", len(children))
	}
	sort.Slice(children, func(i, j int) bool { return aws.ToString(children[i].ShardId) < aws.ToString(children[j].ShardId) })
	if aws.ToString(children[0].ShardId) != "shardId-000000000002" || aws.ToString(children[1].ShardId) != "shardId-000000000003" {
		t.Fatalf("children %s, %s", aws.ToString(children[0].ShardId), aws.ToString(children[1].ShardId))
	}
	lo, hi := children[0].HashKeyRange, children[1].HashKeyRange
	if bigInt(t, lo.StartingHashKey).Cmp(start) != 0 || bigInt(t, lo.EndingHashKey).Cmp(new(big.Int).Sub(mid, big.NewInt(1))) != 0 ||
		bigInt(t, hi.StartingHashKey).Cmp(mid) != 0 || bigInt(t, hi.EndingHashKey).Cmp(end) != 0 {
		t.Fatalf("children cover %s..%s and %s..%s; split %s..%s at %s",
			aws.ToString(lo.StartingHashKey), aws.ToString(lo.EndingHashKey),
			aws.ToString(hi.StartingHashKey), aws.ToString(hi.EndingHashKey), start, end, mid)
	}
	summary, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if n := aws.ToInt32(summary.StreamDescriptionSummary.OpenShardCount); n != 3 {
		t.Fatalf("OpenShardCount %d after the split, want 3", n)
	}
}

func testMissingStreamIsResourceNotFound(t *T) {
	name := label + "-missing-" + randomHex(6)
	_, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	expectError(t, err, "ResourceNotFoundException", 400, notFoundMessage(name))
	var typed *types.ResourceNotFoundException
	if !errors.As(err, &typed) {
		t.Fatalf("the SDK did not deserialize its typed *types.ResourceNotFoundException: %T", err)
	}
	if aws.ToString(typed.Message) != notFoundMessage(name) {
		t.Fatalf("ResourceNotFoundException.Message %q", aws.ToString(typed.Message))
	}
}

func testLongPartitionKeyIsValidationError(t *T) {
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

func testGarbageIteratorIsInvalidArgument(t *T) {
	createStream(t, 2)
	_, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAGarbledIteratorThatIsNotBase64!!")})
	expectError(t, err, "InvalidArgumentException", 400, "Invalid ShardIterator.")
	var typed *types.InvalidArgumentException
	if !errors.As(err, &typed) {
		t.Fatalf("the SDK did not deserialize its typed *types.InvalidArgumentException: %T", err)
	}
}

func testDeleteStream(t *T) {
	name := createStream(t, 2)
	_, err := kin.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DeleteStream")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			expectError(t, err, "ResourceNotFoundException", 400, notFoundMessage(name))
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
func testNegotiatedProtocol(t *T) {
	name := createStream(t, 2)
	protocol.take()
	_, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	_, err = kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("h2")})
	t.Check(err, "PutRecord")
	protos := protocol.take()
	want := "HTTP/1.1"
	if isHTTPS {
		want = "HTTP/2.0"
	}
	if len(protos) == 0 {
		t.Fatalf("no response recorded")
	}
	for _, p := range protos {
		if p != want {
			t.Fatalf("responses came over %v, want %s", protos, want)
		}
	}
}

// A second client whose transport only speaks HTTP/1.1 (no h2 in ALPN).
func testHTTP11OnlyClient(t *T) {
	name := createStream(t, 2)
	client, rec := newClient(accessKey, secretKey, sessionToken, true)
	put, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte{0, 1, 2, 0xff}})
	t.Check(err, "PutRecord over HTTP/1.1")
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: put.ShardId,
		ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: put.SequenceNumber})
	t.Check(err, "GetShardIterator over HTTP/1.1")
	records := readRecords(t, client, it.ShardIterator, 1)
	if len(records) != 1 || !bytes.Equal(records[0].Data, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("read back %+v", records)
	}
	checkArrival(t, records[0])
	protos := rec.take()
	if len(protos) < 3 {
		t.Fatalf("only %d responses recorded", len(protos))
	}
	for _, p := range protos {
		if p != "HTTP/1.1" {
			t.Fatalf("the HTTP/1.1-only client got responses over %v", protos)
		}
	}
}

// sameErrorForExistingAndMissing: with bad credentials, DescribeStreamSummary of an existing
// stream and of a missing one fail alike, so the answer never tells whether a stream exists.
func sameErrorForExistingAndMissing(t *T, client *kinesis.Client, code string, check func(smithy.APIError)) {
	name := createStream(t, 1)
	missing := label + "-missing-" + randomHex(6)
	_, errExisting := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	existing := expectError(t, errExisting, code, 400, "")
	check(existing)
	_, errMissing := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(missing)})
	absent := expectError(t, errMissing, code, 400, "")
	if existing.ErrorMessage() != absent.ErrorMessage() {
		t.Fatalf("an existing stream gives %q, a missing one %q", existing.ErrorMessage(), absent.ErrorMessage())
	}
}

func testWrongSecretIsInvalidSignature(t *T) {
	if !authVerify {
		t.Skip("RIVULET_AUTH_VERIFY is not 1")
	}
	client, _ := newClient(accessKey, secretKey+"-wrong", sessionToken, false)
	sameErrorForExistingAndMissing(t, client, "InvalidSignatureException", func(e smithy.APIError) {
		if !strings.HasPrefix(e.ErrorMessage(), "The request signature we calculated does not match") {
			t.Fatalf("InvalidSignatureException message %q", e.ErrorMessage())
		}
	})
}

func testUnknownAccessKeyIsUnrecognizedClient(t *T) {
	if !authVerify {
		t.Skip("RIVULET_AUTH_VERIFY is not 1")
	}
	client, _ := newClient("AKIDUNKNOWN0000000000", secretKey, "", false)
	sameErrorForExistingAndMissing(t, client, "UnrecognizedClientException", func(e smithy.APIError) {
		if e.ErrorMessage() != "The security token included in the request is invalid." {
			t.Fatalf("UnrecognizedClientException message %q", e.ErrorMessage())
		}
	})
}

func main() {
	if err := configure(); err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		fmt.Printf("%s: 0 passed, 1 failed, 0 skipped\n", label)
		os.Exit(2)
	}
	kin, protocol = newClient(accessKey, secretKey, sessionToken, false)

	tests := []testCase{
		{"create_stream_waits_until_active", testCreateStreamWaitsUntilActive},
		{"describe_stream", testDescribeStream},
		{"describe_stream_summary", testDescribeStreamSummary},
		{"list_streams_contains_it", testListStreamsContainsIt},
		{"list_shards_cover_the_hash_key_space", testListShardsCoverHashKeySpace},
		{"put_record", testPutRecord},
		{"put_records_and_get_records_round_trip", testPutRecordsAndGetRecordsRoundTrip},
		{"sequence_number_iterators", testSequenceNumberIterators},
		{"tags", testTags},
		{"increase_retention_period", testIncreaseRetentionPeriod},
		{"split_shard", testSplitShard},
		{"missing_stream_is_resource_not_found", testMissingStreamIsResourceNotFound},
		{"long_partition_key_is_validation_error", testLongPartitionKeyIsValidationError},
		{"garbage_iterator_is_invalid_argument", testGarbageIteratorIsInvalidArgument},
		{"delete_stream", testDeleteStream},
		{"negotiated_protocol", testNegotiatedProtocol},
		{"http11_only_client", testHTTP11OnlyClient},
		{"wrong_secret_is_invalid_signature", testWrongSecretIsInvalidSignature},
		{"unknown_access_key_is_unrecognized_client", testUnknownAccessKeyIsUnrecognizedClient},
	}
	filter := ""
	if len(os.Args) > 1 {
		filter = os.Args[1]
	}
	counts := map[string]int{}
	for _, tc := range tests {
		if filter != "" && !strings.Contains(tc.name, filter) {
			continue
		}
		counts[run(tc)]++
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", label, counts["ok"], counts["fail"], counts["skip"])
	if counts["fail"] > 0 {
		os.Exit(1)
	}
}
