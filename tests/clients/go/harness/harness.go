// Package harness is what the AWS SDK for Go v1 and v2 compatibility programs (../v1, ../v2) share
// and what depends on neither SDK: a tiny test runner, the settings read from the environment,
// stream names and ARNs, an HTTP client that records the protocol of every response, and the
// checks made on shards, records and protocols once an SDK's answer is reduced to plain values.
//
// The runner: every test runs under a recover and prints `ok <name>`, `FAIL <name>: <reason>` or
// `skip <name>: <reason>`; the last line is `<label>: N passed, N failed, N skipped`, and the exit
// status is 1 on any failure (2 when the environment is unusable). An argument runs only the tests
// whose names contain it.
//
// Environment: RIVULET_ENDPOINT (http:// or https://), RIVULET_CA_FILE (PEM to trust for https),
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, RIVULET_REGION (us-east-1),
// RIVULET_ACCOUNT_ID (the server's account for access keys that name none, default 000000000000;
// a 12-digit access key ID is its own account), RIVULET_AUTH_VERIFY=1 (the server checks
// signatures: run the credential tests), RIVULET_ADMIN_ENDPOINT (a second server, of the tests'
// own, whose faults and limits they may change: run the fault and limit tests).
package harness

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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
)

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

// Test is one named test.
type Test struct {
	Name string
	Fn   func(*T)
}

// run returns "ok", "skip" or "fail" and prints the test's line.
func run(tc Test) (outcome string) {
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
			fmt.Printf("ok %s\n", tc.Name)
			outcome = "ok"
		case skipped:
			fmt.Printf("skip %s: %s\n", tc.Name, r.reason)
			outcome = "skip"
		case failure:
			fmt.Printf("FAIL %s: %s\n", tc.Name, oneLine(r.msg))
			outcome = "fail"
		default:
			fmt.Printf("FAIL %s: panic: %s\n", tc.Name, oneLine(fmt.Sprint(r)))
			fmt.Fprintf(os.Stderr, "%s\n", debug.Stack())
			outcome = "fail"
		}
	}()
	tc.Fn(t)
	return
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

// Run runs the tests (those whose names contain the program's argument, when it has one), prints
// the summary line and exits with status 1 when any failed.
func Run(tests []Test) {
	filter := ""
	if len(os.Args) > 1 {
		filter = os.Args[1]
	}
	counts := map[string]int{}
	for _, tc := range tests {
		if filter != "" && !strings.Contains(tc.Name, filter) {
			continue
		}
		counts[run(tc)]++
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", Label, counts["ok"], counts["fail"], counts["skip"])
	if counts["fail"] > 0 {
		os.Exit(1)
	}
}

// SetupFailed reports that the program could not start its tests, as one failure, and exits.
func SetupFailed(status int, err error) {
	fmt.Printf("FAIL setup: %v\n", err)
	fmt.Printf("%s: 0 passed, 1 failed, 0 skipped\n", Label)
	os.Exit(status)
}

// ---- configuration -------------------------------------------------------------------------------

// Set by Configure: the program's name (go-v1, go-v2: in the summary line and stream names) and
// what the environment says.
var (
	Label        string
	Endpoint     string
	IsHTTPS      bool
	Region       string
	AccessKey    string
	SecretKey    string
	SessionToken string
	Account      string
	AuthVerify   bool
	caPool       *x509.CertPool

	AdminEndpoint string       // "" when RIVULET_ADMIN_ENDPOINT is unset
	adminHTTP     *http.Client // its /_rivulet API
)

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// Configure reads the environment; when it is unusable the program ends with a failed setup
// (status 2).
func Configure(label string) {
	Label = label
	if err := configure(); err != nil {
		SetupFailed(2, err)
	}
}

func configure() error {
	Endpoint = os.Getenv("RIVULET_ENDPOINT")
	if Endpoint == "" {
		return fmt.Errorf("RIVULET_ENDPOINT is not set (e.g. http://127.0.0.1:4567)")
	}
	switch {
	case strings.HasPrefix(Endpoint, "https://"):
		IsHTTPS = true
	case strings.HasPrefix(Endpoint, "http://"):
	default:
		return fmt.Errorf("RIVULET_ENDPOINT must start with http:// or https://, got %q", Endpoint)
	}
	Region = getenv("RIVULET_REGION", "us-east-1")
	AccessKey = getenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	SecretKey = getenv("AWS_SECRET_ACCESS_KEY", "secret")
	SessionToken = os.Getenv("AWS_SESSION_TOKEN")
	// The account in ARNs, as the server decides it: a 12-digit access key ID is the account,
	// any other key belongs to the server's --account-id (RIVULET_ACCOUNT_ID, default 000000000000).
	Account = getenv("RIVULET_ACCOUNT_ID", "000000000000")
	if regexp.MustCompile(`^[0-9]{12}$`).MatchString(AccessKey) {
		Account = AccessKey
	}
	AuthVerify = os.Getenv("RIVULET_AUTH_VERIFY") == "1"
	AdminEndpoint = strings.TrimSpace(os.Getenv("RIVULET_ADMIN_ENDPOINT"))
	if AdminEndpoint != "" && !strings.HasPrefix(AdminEndpoint, "http://") && !strings.HasPrefix(AdminEndpoint, "https://") {
		return fmt.Errorf("RIVULET_ADMIN_ENDPOINT must start with http:// or https://, got %q", AdminEndpoint)
	}
	AdminEndpoint = strings.TrimRight(AdminEndpoint, "/")
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
	adminHTTP = &http.Client{Transport: newTransport(false), Timeout: 10 * time.Second}
	return nil
}

// ---- HTTP ----------------------------------------------------------------------------------------

// ProtoRecorder wraps a transport and keeps the protocol of every response (resp.Proto).
type ProtoRecorder struct {
	base   http.RoundTripper
	mu     sync.Mutex
	protos []string
}

func (r *ProtoRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.protos = append(r.protos, resp.Proto)
		r.mu.Unlock()
	}
	return resp, err
}

// Take returns the protocols recorded since the last Take and forgets them.
func (r *ProtoRecorder) Take() []string {
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

// NewHTTPClient is the HTTP client an SDK client is given: a 30 s timeout per request, trusting
// RIVULET_CA_FILE, recording the protocol of its responses.
func NewHTTPClient(http1Only bool) (*http.Client, *ProtoRecorder) {
	rec := &ProtoRecorder{base: newTransport(http1Only)}
	return &http.Client{Transport: rec, Timeout: 30 * time.Second}, rec
}

// CheckNegotiated: over TLS the client offers h2 by ALPN and the server should take it; over plain
// http Go's client speaks HTTP/1.1.
func CheckNegotiated(t *T, protos []string) {
	want := "HTTP/1.1"
	if IsHTTPS {
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

// CheckHTTP11Only: an HTTP/1.1-only client made at least three calls, all answered over HTTP/1.1.
func CheckHTTP11Only(t *T, protos []string) {
	if len(protos) < 3 {
		t.Fatalf("only %d responses recorded", len(protos))
	}
	for _, p := range protos {
		if p != "HTTP/1.1" {
			t.Fatalf("the HTTP/1.1-only client got responses over %v", protos)
		}
	}
}

// ---- signatures ----------------------------------------------------------------------------------

// RequireAuthVerify skips a test of wrong credentials unless the server checks signatures.
func RequireAuthVerify(t *T) {
	if !AuthVerify {
		t.Skip("RIVULET_AUTH_VERIFY is not 1")
	}
}

// CheckInvalidSignatureMessage checks the message of an InvalidSignatureException.
func CheckInvalidSignatureMessage(t *T, message string) {
	if !strings.HasPrefix(message, "The request signature we calculated does not match") {
		t.Fatalf("InvalidSignatureException message %q", message)
	}
}

// CheckUnrecognizedClientMessage checks the message of an UnrecognizedClientException.
func CheckUnrecognizedClientMessage(t *T, message string) {
	if message != "The security token included in the request is invalid." {
		t.Fatalf("UnrecognizedClientException message %q", message)
	}
}

// ---- admin server --------------------------------------------------------------------------------

// Faults and limits are server-wide: the tests change them only on the admin server, never on the
// endpoint every other test shares.

const (
	Throttled              = "ProvisionedThroughputExceededException"
	InternalFailure        = "InternalFailureException"
	InternalFailureMessage = "Internal Service Failure"
	// MaxQuickCalls is more calls, back to back, than any per-second limit tested here lets through.
	MaxQuickCalls = 20
)

// RequireAdmin skips a test of faults or limits unless RIVULET_ADMIN_ENDPOINT names a server for it.
func RequireAdmin(t *T) {
	if AdminEndpoint == "" {
		t.Skip("RIVULET_ADMIN_ENDPOINT is not set: no server whose faults and limits the tests may change")
	}
}

// AdminCall sends one JSON request to the admin server's /_rivulet API (body nil: none) and returns
// its JSON answer; any status but 200 is an error. It takes no T, so that an SDK hook running in
// the middle of a call can use it and leave the verdict to the test.
func AdminCall(method, path string, body interface{}) (map[string]interface{}, error) {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, AdminEndpoint+path, payload)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := adminHTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", method, path, err)
	}
	var answer map[string]interface{}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, fmt.Errorf("%s %s answered %d, not a JSON object: %q", method, path, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		return answer, fmt.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, raw)
	}
	return answer, nil
}

// SetFaults puts `fault` (<op>=<probability>[:<error>],...) in the admin server's plan and checks
// that the plan is then exactly that: the tests start from an empty one.
func SetFaults(t *T, fault string) {
	answer, err := AdminCall("PUT", "/_rivulet/faults", map[string]string{"fault": fault})
	t.Check(err, "PUT /_rivulet/faults")
	if answer["fault"] != fault || answer["latency"] != "" {
		t.Fatalf("PUT /_rivulet/faults %q answered %v", fault, answer)
	}
}

// ClearFaults empties the admin server's fault and latency plan.
func ClearFaults(t *T) {
	answer, err := AdminCall("DELETE", "/_rivulet/faults", nil)
	t.Check(err, "DELETE /_rivulet/faults")
	if answer["fault"] != "" || answer["latency"] != "" {
		t.Fatalf("DELETE /_rivulet/faults answered %v", answer)
	}
}

// SetLimits switches the admin server's limits ("off" or "aws").
func SetLimits(t *T, limits string) {
	answer, err := AdminCall("PUT", "/_rivulet/limits", map[string]string{"limits": limits})
	t.Check(err, "PUT /_rivulet/limits")
	if answer["limits"] != limits {
		t.Fatalf("PUT /_rivulet/limits %q answered %v", limits, answer)
	}
}

// RestoreAdmin puts the admin server back as every test expects to find it: no faults, no latency,
// limits off.
func RestoreAdmin(t *T) {
	ClearFaults(t)
	SetLimits(t, "off")
}

// ShardRateExceeded is the message of a ProvisionedThroughputExceededException, whether a limit or
// an injected fault refused the call or the PutRecords entry.
func ShardRateExceeded(stream, shard string) string {
	return fmt.Sprintf("Rate exceeded for shard %s in stream %s under account %s.", shard, stream, Account)
}

// AccountRateExceeded is the message of a LimitExceededException of a control-plane operation.
func AccountRateExceeded() string { return fmt.Sprintf("Rate exceeded for account %s.", Account) }

// ---- names ---------------------------------------------------------------------------------------

func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// UniqueName is a new stream's name; MissingName one no stream has.
func UniqueName() string  { return Label + "-" + RandomHex(6) }
func MissingName() string { return Label + "-missing-" + RandomHex(6) }

func StreamARN(name string) string {
	return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", Region, Account, name)
}

func NotFoundMessage(name string) string {
	return fmt.Sprintf("Stream %s under account %s not found.", name, Account)
}

// ---- shards and records --------------------------------------------------------------------------

// str is what aws.StringValue (v1) and aws.ToString (v2) are: "" for nil.
func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func BigInt(t *T, s *string) *big.Int {
	v, ok := new(big.Int).SetString(str(s), 10)
	if !ok {
		t.Fatalf("not a decimal number: %q", str(s))
	}
	return v
}

var maxHashKey = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// Shard is what the checks read of an SDK's shard.
type Shard struct {
	ShardID, ParentShardID         *string
	StartingHashKey, EndingHashKey *string
	EndingSequenceNumber           *string // nil while the shard is open
}

// CheckHashKeySpace: the two shards of a new stream, shardId-000000000000 and
// shardId-000000000001, cover 0..2^128-1 without gaps or overlaps.
func CheckHashKeySpace(t *T, shards []Shard) {
	if len(shards) != 2 {
		t.Fatalf("%d shards, want 2", len(shards))
	}
	sort.Slice(shards, func(i, j int) bool {
		return BigInt(t, shards[i].StartingHashKey).Cmp(BigInt(t, shards[j].StartingHashKey)) < 0
	})
	next := big.NewInt(0)
	for _, s := range shards {
		start, end := BigInt(t, s.StartingHashKey), BigInt(t, s.EndingHashKey)
		if start.Cmp(next) != 0 || end.Cmp(start) < 0 {
			t.Fatalf("shard %s covers %s..%s, expected to start at %s", str(s.ShardID), start, end, next)
		}
		next = new(big.Int).Add(end, big.NewInt(1))
	}
	if last := new(big.Int).Sub(next, big.NewInt(1)); last.Cmp(maxHashKey) != 0 {
		t.Fatalf("the shards end at %s, not 2^128-1", last)
	}
	if ids := []string{str(shards[0].ShardID), str(shards[1].ShardID)}; ids[0] != "shardId-000000000000" || ids[1] != "shardId-000000000001" {
		t.Fatalf("shard ids %v", ids)
	}
}

// Midpoint is the hash key that splits a shard's range into two halves.
func Midpoint(t *T, s Shard) *big.Int {
	start, end := BigInt(t, s.StartingHashKey), BigInt(t, s.EndingHashKey)
	return new(big.Int).Rsh(new(big.Int).Add(start, end), 1)
}

// CheckSplit: after shardId-000000000000 (parent, of a stream of two shards) was split at mid,
// the stream lists four shards: the parent, closed, its sibling, and the children
// shardId-000000000002 and shardId-000000000003 covering the parent's range below and from mid.
func CheckSplit(t *T, parent Shard, mid *big.Int, after []Shard) {
	start, end := BigInt(t, parent.StartingHashKey), BigInt(t, parent.EndingHashKey)
	if len(after) != 4 {
		t.Fatalf("%d shards after the split, want 4 (the parent, its sibling, two children)", len(after))
	}
	var children []Shard
	for _, s := range after {
		switch {
		case str(s.ShardID) == "shardId-000000000000":
			if s.EndingSequenceNumber == nil {
				t.Fatalf("the split parent is still open")
			}
		case str(s.ParentShardID) == "shardId-000000000000":
			children = append(children, s)
		}
	}
	if len(children) != 2 {
		t.Fatalf("%d children of shardId-000000000000, want 2", len(children))
	}
	sort.Slice(children, func(i, j int) bool { return str(children[i].ShardID) < str(children[j].ShardID) })
	if str(children[0].ShardID) != "shardId-000000000002" || str(children[1].ShardID) != "shardId-000000000003" {
		t.Fatalf("children %s, %s", str(children[0].ShardID), str(children[1].ShardID))
	}
	lo, hi := children[0], children[1]
	if BigInt(t, lo.StartingHashKey).Cmp(start) != 0 || BigInt(t, lo.EndingHashKey).Cmp(new(big.Int).Sub(mid, big.NewInt(1))) != 0 ||
		BigInt(t, hi.StartingHashKey).Cmp(mid) != 0 || BigInt(t, hi.EndingHashKey).Cmp(end) != 0 {
		t.Fatalf("children cover %s..%s and %s..%s; split %s..%s at %s",
			str(lo.StartingHashKey), str(lo.EndingHashKey),
			str(hi.StartingHashKey), str(hi.EndingHashKey), start, end, mid)
	}
}

// Record is what the checks read of an SDK's record.
type Record struct {
	SequenceNumber, PartitionKey *string
	Data                         []byte
	ApproximateArrivalTimestamp  *time.Time
}

// CheckArrival: the record's ApproximateArrivalTimestamp is within a minute of now.
func CheckArrival(t *T, r Record) {
	if r.ApproximateArrivalTimestamp == nil {
		t.Fatalf("record %s has no ApproximateArrivalTimestamp", str(r.SequenceNumber))
	}
	if d := time.Since(*r.ApproximateArrivalTimestamp); d > time.Minute || d < -time.Minute {
		t.Fatalf("ApproximateArrivalTimestamp %s is %s away from now", r.ApproximateArrivalTimestamp.Format(time.RFC3339Nano), d)
	}
}

// RecordData returns ten payloads: all 256 byte values, and binary mixes of NULs, 0xff and
// random bytes of varied lengths.
func RecordData() [][]byte {
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

// Put is where PutRecords says it put one record.
type Put struct{ SequenceNumber, ShardID *string }

// CheckRoundTrip: the records put[i] tells of, data[i] with partition key pk-<i> each, read back
// from the two shards of the stream (read(shard, how many records to wait for)) come in order,
// each from the shard PutRecords named, with its data, partition key and arrival time.
func CheckRoundTrip(t *T, data [][]byte, put []Put, read func(shard string, want int) []Record) {
	bySeq := map[string]int{}
	perShard := map[string]int{}
	for i, p := range put {
		bySeq[str(p.SequenceNumber)] = i
		perShard[str(p.ShardID)]++
	}
	seen := 0
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		records := read(shard, perShard[shard])
		if len(records) != perShard[shard] {
			t.Fatalf("%s: read %d records, PutRecords put %d there", shard, len(records), perShard[shard])
		}
		var previous *big.Int
		for _, r := range records {
			i, ok := bySeq[str(r.SequenceNumber)]
			if !ok {
				t.Fatalf("%s: unknown sequence number %s", shard, str(r.SequenceNumber))
			}
			if str(put[i].ShardID) != shard {
				t.Fatalf("record %d read from %s, PutRecords said %s", i, shard, str(put[i].ShardID))
			}
			if !bytes.Equal(r.Data, data[i]) {
				t.Fatalf("record %d: data differs: got %x, want %x", i, r.Data, data[i])
			}
			if want := fmt.Sprintf("pk-%d", i); str(r.PartitionKey) != want {
				t.Fatalf("record %d: PartitionKey %q, want %q", i, str(r.PartitionKey), want)
			}
			CheckArrival(t, r)
			seq := BigInt(t, r.SequenceNumber)
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
