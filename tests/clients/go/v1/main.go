// Compatibility tests driving Rivulet through the AWS SDK for Go v1 (github.com/aws/aws-sdk-go,
// service/kinesis) as Debian packages it. A tiny runner: every test creates its own stream, runs
// under a recover and prints `ok <name>`, `FAIL <name>: <reason>` or `skip <name>: <reason>`; the
// last line is `go-v1: N passed, N failed, N skipped`, and the exit status is 1 on any failure.
//
// Environment: RIVULET_ENDPOINT (http:// or https://), RIVULET_CA_FILE (PEM to trust for https),
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, RIVULET_REGION (us-east-1),
// RIVULET_ACCOUNT_ID (the server's account for access keys that name none, default 000000000000;
// a 12-digit access key ID is its own account), RIVULET_AUTH_VERIFY=1 (the server checks
// signatures: run the credential tests). An argument runs only the tests whose names contain it.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
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

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/kinesis"
)

const label = "go-v1"

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

	kin      *kinesis.Kinesis // the client every test uses
	protocol *protoRecorder   // the protocols of its responses
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

// newClient builds a Kinesis client with static credentials, no shared config files, no retries.
func newClient(key, secret, token string, http1Only bool) (*kinesis.Kinesis, *protoRecorder) {
	rec := &protoRecorder{base: newTransport(http1Only)}
	cfg := aws.Config{
		Endpoint:    aws.String(endpoint),
		Region:      aws.String(region),
		Credentials: credentials.NewStaticCredentials(key, secret, token),
		HTTPClient:  &http.Client{Transport: rec, Timeout: 30 * time.Second},
		MaxRetries:  aws.Int(0),
	}
	sess, err := session.NewSessionWithOptions(session.Options{
		Config:            cfg,
		SharedConfigState: session.SharedConfigDisable,
		SharedConfigFiles: []string{}, // read no ~/.aws file
	})
	if err != nil {
		fmt.Printf("FAIL setup: session: %v\n", err)
		fmt.Printf("%s: 0 passed, 1 failed, 0 skipped\n", label)
		os.Exit(1)
	}
	return kinesis.New(sess), rec
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
	// Settings the session would otherwise take from the environment and that could point it
	// elsewhere or replace the transport.
	for _, name := range []string{"AWS_CA_BUNDLE", "AWS_SDK_GO_CLIENT_TLS_CERT", "AWS_SDK_GO_CLIENT_TLS_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SDK_LOAD_CONFIG", "AWS_CSM_ENABLED"} {
		os.Unsetenv(name)
	}
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
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

// createStream creates a stream of `shards` shards, waits for it with the SDK's waiter and deletes
// it when the test ends.
func createStream(t *T, shards int64) string {
	name := uniqueName()
	_, err := kin.CreateStream(&kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int64(shards)})
	t.Check(err, "CreateStream")
	t.Cleanup(func() {
		_, _ = kin.DeleteStream(&kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	err = kin.WaitUntilStreamExistsWithContext(aws.BackgroundContext(),
		&kinesis.DescribeStreamInput{StreamName: aws.String(name)},
		request.WithWaiterDelay(request.ConstantWaiterDelay(200*time.Millisecond)),
		request.WithWaiterMaxAttempts(150))
	t.Check(err, "WaitUntilStreamExists")
	return name
}

// waitActive polls DescribeStreamSummary until the stream is ACTIVE again (after a reshard or an
// update).
func waitActive(t *T, name string) *kinesis.StreamDescriptionSummary {
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

func listShards(t *T, name string) []*kinesis.Shard {
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

func bigInt(t *T, s *string) *big.Int {
	v, ok := new(big.Int).SetString(aws.StringValue(s), 10)
	if !ok {
		t.Fatalf("not a decimal number: %q", aws.StringValue(s))
	}
	return v
}

var maxHashKey = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

func iterator(t *T, name, shardID, kind string, seq *string) *string {
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
func readRecords(t *T, client *kinesis.Kinesis, it *string, want int) []*kinesis.Record {
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

func checkArrival(t *T, r *kinesis.Record) {
	if r.ApproximateArrivalTimestamp == nil {
		t.Fatalf("record %s has no ApproximateArrivalTimestamp", aws.StringValue(r.SequenceNumber))
	}
	if d := time.Since(*r.ApproximateArrivalTimestamp); d > time.Minute || d < -time.Minute {
		t.Fatalf("ApproximateArrivalTimestamp %s is %s away from now", r.ApproximateArrivalTimestamp.Format(time.RFC3339Nano), d)
	}
}

// expectError checks an SDK error's code, HTTP status and (when message != "") its message.
func expectError(t *T, err error, code string, status int, message string) awserr.Error {
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

func testCreateStreamWaitsUntilActive(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if s := aws.StringValue(out.StreamDescriptionSummary.StreamStatus); s != "ACTIVE" {
		t.Fatalf("StreamStatus %s after the waiter, want ACTIVE", s)
	}
}

func testDescribeStream(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStream(&kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStream")
	d := out.StreamDescription
	if aws.StringValue(d.StreamName) != name || aws.StringValue(d.StreamARN) != streamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.StringValue(d.StreamName), aws.StringValue(d.StreamARN), name, streamARN(name))
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

func testDescribeStreamSummary(t *T) {
	name := createStream(t, 2)
	out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	d := out.StreamDescriptionSummary
	if aws.StringValue(d.StreamName) != name || aws.StringValue(d.StreamARN) != streamARN(name) {
		t.Fatalf("StreamName %q / StreamARN %q, want %q / %q", aws.StringValue(d.StreamName), aws.StringValue(d.StreamARN), name, streamARN(name))
	}
	if aws.StringValue(d.StreamStatus) != "ACTIVE" || aws.Int64Value(d.OpenShardCount) != 2 {
		t.Fatalf("StreamStatus %s, OpenShardCount %d; want ACTIVE, 2", aws.StringValue(d.StreamStatus), aws.Int64Value(d.OpenShardCount))
	}
	if aws.Int64Value(d.RetentionPeriodHours) != 24 || aws.StringValue(d.EncryptionType) != "NONE" {
		t.Fatalf("RetentionPeriodHours %d, EncryptionType %s; want 24, NONE", aws.Int64Value(d.RetentionPeriodHours), aws.StringValue(d.EncryptionType))
	}
}

func testListStreamsContainsIt(t *T) {
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
			t.Fatalf("shard %s covers %s..%s, expected to start at %s", aws.StringValue(s.ShardId), start, end, next)
		}
		next = new(big.Int).Add(end, big.NewInt(1))
	}
	if last := new(big.Int).Sub(next, big.NewInt(1)); last.Cmp(maxHashKey) != 0 {
		t.Fatalf("the shards end at %s, not 2^128-1", last)
	}
	if ids := []string{aws.StringValue(shards[0].ShardId), aws.StringValue(shards[1].ShardId)}; ids[0] != "shardId-000000000000" || ids[1] != "shardId-000000000001" {
		t.Fatalf("shard ids %v", ids)
	}
}

func testPutRecord(t *T) {
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
	if bigInt(t, second.SequenceNumber).Cmp(bigInt(t, first.SequenceNumber)) <= 0 {
		t.Fatalf("sequence numbers do not grow: %s then %s", aws.StringValue(first.SequenceNumber), aws.StringValue(second.SequenceNumber))
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
	entries := make([]*kinesis.PutRecordsRequestEntry, len(data))
	for i, d := range data {
		entries[i] = &kinesis.PutRecordsRequestEntry{Data: d, PartitionKey: aws.String(fmt.Sprintf("pk-%d", i))}
	}
	out, err := kin.PutRecords(&kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
	t.Check(err, "PutRecords")
	if len(out.Records) != 10 || aws.Int64Value(out.FailedRecordCount) != 0 {
		t.Fatalf("%d results, FailedRecordCount %d; want 10, 0", len(out.Records), aws.Int64Value(out.FailedRecordCount))
	}
	bySeq := map[string]int{}
	perShard := map[string]int{}
	for i, r := range out.Records {
		if r.ErrorCode != nil || r.SequenceNumber == nil || r.ShardId == nil {
			t.Fatalf("result %d: %v", i, r)
		}
		bySeq[aws.StringValue(r.SequenceNumber)] = i
		perShard[aws.StringValue(r.ShardId)]++
	}
	seen := 0
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		records := readRecords(t, kin, iterator(t, name, shard, "TRIM_HORIZON", nil), perShard[shard])
		if len(records) != perShard[shard] {
			t.Fatalf("%s: read %d records, PutRecords put %d there", shard, len(records), perShard[shard])
		}
		var previous *big.Int
		for _, r := range records {
			i, ok := bySeq[aws.StringValue(r.SequenceNumber)]
			if !ok {
				t.Fatalf("%s: unknown sequence number %s", shard, aws.StringValue(r.SequenceNumber))
			}
			if aws.StringValue(out.Records[i].ShardId) != shard {
				t.Fatalf("record %d read from %s, PutRecords said %s", i, shard, aws.StringValue(out.Records[i].ShardId))
			}
			if !bytes.Equal(r.Data, data[i]) {
				t.Fatalf("record %d: data differs: got %x, want %x", i, r.Data, data[i])
			}
			if want := fmt.Sprintf("pk-%d", i); aws.StringValue(r.PartitionKey) != want {
				t.Fatalf("record %d: PartitionKey %q, want %q", i, aws.StringValue(r.PartitionKey), want)
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

func testTags(t *T) {
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

func testIncreaseRetentionPeriod(t *T) {
	name := createStream(t, 2)
	_, err := kin.IncreaseStreamRetentionPeriod(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(name), RetentionPeriodHours: aws.Int64(48)})
	t.Check(err, "IncreaseStreamRetentionPeriod")
	if d := waitActive(t, name); aws.Int64Value(d.RetentionPeriodHours) != 48 {
		t.Fatalf("RetentionPeriodHours %d, want 48", aws.Int64Value(d.RetentionPeriodHours))
	}
}

func testSplitShard(t *T) {
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
	start, end := bigInt(t, parent.HashKeyRange.StartingHashKey), bigInt(t, parent.HashKeyRange.EndingHashKey)
	mid := new(big.Int).Rsh(new(big.Int).Add(start, end), 1)
	_, err := kin.SplitShard(&kinesis.SplitShardInput{StreamName: aws.String(name),
		ShardToSplit: parent.ShardId, NewStartingHashKey: aws.String(mid.String())})
	t.Check(err, "SplitShard")
	waitActive(t, name)
	after := listShards(t, name)
	if len(after) != 4 {
		t.Fatalf("%d shards after the split, want 4 (the parent, its sibling, two children)", len(after))
	}
	var children []*kinesis.Shard
	for _, s := range after {
		switch {
		case aws.StringValue(s.ShardId) == "shardId-000000000000":
			if s.SequenceNumberRange.EndingSequenceNumber == nil {
				t.Fatalf("the split parent is still open")
			}
		case aws.StringValue(s.ParentShardId) == "shardId-000000000000":
			children = append(children, s)
		}
	}
	if len(children) != 2 {
		t.Fatalf("%d children of shardId-000000000000, want 2", len(children))
	}
	sort.Slice(children, func(i, j int) bool {
		return aws.StringValue(children[i].ShardId) < aws.StringValue(children[j].ShardId)
	})
	if aws.StringValue(children[0].ShardId) != "shardId-000000000002" || aws.StringValue(children[1].ShardId) != "shardId-000000000003" {
		t.Fatalf("children %s, %s", aws.StringValue(children[0].ShardId), aws.StringValue(children[1].ShardId))
	}
	lo, hi := children[0].HashKeyRange, children[1].HashKeyRange
	if bigInt(t, lo.StartingHashKey).Cmp(start) != 0 || bigInt(t, lo.EndingHashKey).Cmp(new(big.Int).Sub(mid, big.NewInt(1))) != 0 ||
		bigInt(t, hi.StartingHashKey).Cmp(mid) != 0 || bigInt(t, hi.EndingHashKey).Cmp(end) != 0 {
		t.Fatalf("children cover %s..%s and %s..%s; split %s..%s at %s",
			aws.StringValue(lo.StartingHashKey), aws.StringValue(lo.EndingHashKey),
			aws.StringValue(hi.StartingHashKey), aws.StringValue(hi.EndingHashKey), start, end, mid)
	}
	summary, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	if n := aws.Int64Value(summary.StreamDescriptionSummary.OpenShardCount); n != 3 {
		t.Fatalf("OpenShardCount %d after the split, want 3", n)
	}
}

func testMissingStreamIsResourceNotFound(t *T) {
	name := label + "-missing-" + randomHex(6)
	_, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, notFoundMessage(name))
	if _, ok := err.(*kinesis.ResourceNotFoundException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceNotFoundException: %T", err)
	}
}

func testLongPartitionKeyIsValidationError(t *T) {
	name := createStream(t, 2)
	_, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String(strings.Repeat("k", 257)), Data: []byte("x")})
	expectError(t, err, "ValidationException", 400,
		"1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.")
}

func testGarbageIteratorIsInvalidArgument(t *T) {
	createStream(t, 2)
	_, err := kin.GetRecords(&kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAGarbledIteratorThatIsNotBase64!!")})
	expectError(t, err, kinesis.ErrCodeInvalidArgumentException, 400, "Invalid ShardIterator.")
	if _, ok := err.(*kinesis.InvalidArgumentException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.InvalidArgumentException: %T", err)
	}
}

func testDeleteStream(t *T) {
	name := createStream(t, 2)
	_, err := kin.DeleteStream(&kinesis.DeleteStreamInput{StreamName: aws.String(name)})
	t.Check(err, "DeleteStream")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, notFoundMessage(name))
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
func testNegotiatedProtocol(t *T) {
	name := createStream(t, 2)
	protocol.take()
	_, err := kin.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	t.Check(err, "DescribeStreamSummary")
	_, err = kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte("h2")})
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
	put, err := client.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(name), PartitionKey: aws.String("pk"), Data: []byte{0, 1, 2, 0xff}})
	t.Check(err, "PutRecord over HTTP/1.1")
	it, err := client.GetShardIterator(&kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: put.ShardId,
		ShardIteratorType: aws.String("AT_SEQUENCE_NUMBER"), StartingSequenceNumber: put.SequenceNumber})
	t.Check(err, "GetShardIterator over HTTP/1.1")
	records := readRecords(t, client, it.ShardIterator, 1)
	if len(records) != 1 || !bytes.Equal(records[0].Data, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("read back %v", records)
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
func sameErrorForExistingAndMissing(t *T, client *kinesis.Kinesis, code string, check func(awserr.Error)) {
	name := createStream(t, 1)
	missing := label + "-missing-" + randomHex(6)
	_, errExisting := client.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	existing := expectError(t, errExisting, code, 400, "")
	check(existing)
	_, errMissing := client.DescribeStreamSummary(&kinesis.DescribeStreamSummaryInput{StreamName: aws.String(missing)})
	absent := expectError(t, errMissing, code, 400, "")
	if existing.Message() != absent.Message() {
		t.Fatalf("an existing stream gives %q, a missing one %q", existing.Message(), absent.Message())
	}
}

func testWrongSecretIsInvalidSignature(t *T) {
	if !authVerify {
		t.Skip("RIVULET_AUTH_VERIFY is not 1")
	}
	client, _ := newClient(accessKey, secretKey+"-wrong", sessionToken, false)
	sameErrorForExistingAndMissing(t, client, "InvalidSignatureException", func(e awserr.Error) {
		if !strings.HasPrefix(e.Message(), "The request signature we calculated does not match") {
			t.Fatalf("InvalidSignatureException message %q", e.Message())
		}
	})
}

func testUnknownAccessKeyIsUnrecognizedClient(t *T) {
	if !authVerify {
		t.Skip("RIVULET_AUTH_VERIFY is not 1")
	}
	client, _ := newClient("AKIDUNKNOWN0000000000", secretKey, "", false)
	sameErrorForExistingAndMissing(t, client, "UnrecognizedClientException", func(e awserr.Error) {
		if e.Message() != "The security token included in the request is invalid." {
			t.Fatalf("UnrecognizedClientException message %q", e.Message())
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
