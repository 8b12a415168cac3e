package harness

// Enhanced fan-out: the checks on consumers and SubscribeToShard events that need no SDK.

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SubscribeTimeout bounds every wait of a subscription test: a SubscribeToShard call, the next event,
// a consumer becoming ACTIVE or going away.
const SubscribeTimeout = 30 * time.Second

// RequireHTTP2 skips a SubscribeToShard test unless the SDK's client can speak HTTP/2 to the
// endpoint: AWS pushes the events over HTTP/2 only, and Go's net/http speaks it only over TLS
// (h2 chosen by ALPN), never in cleartext.
func RequireHTTP2(t *T) {
	if !IsHTTPS {
		t.Skip("SubscribeToShard needs HTTP/2, which Go's net/http speaks only over TLS; RIVULET_ENDPOINT is http://")
	}
}

// ConsumerName is a new consumer's name.
func ConsumerName() string { return "consumer-" + RandomHex(4) }

// Consumer is what the checks read of an SDK's Consumer or ConsumerDescription.
type Consumer struct {
	ConsumerName, ConsumerARN, ConsumerStatus *string
	ConsumerCreationTimestamp                 *time.Time
}

// CheckConsumer: the consumer `name` of stream `stream` has the ARN
// <streamArn>/consumer/<name>:<creation time in epoch seconds>, the given status and a creation
// time within a minute of now.
func CheckConsumer(t *T, stream, name, status string, c Consumer) {
	if str(c.ConsumerName) != name {
		t.Fatalf("ConsumerName %q, want %q", str(c.ConsumerName), name)
	}
	if str(c.ConsumerStatus) != status {
		t.Fatalf("consumer %s is %q, want %s", name, str(c.ConsumerStatus), status)
	}
	created := c.ConsumerCreationTimestamp
	if created == nil {
		t.Fatalf("consumer %s has no ConsumerCreationTimestamp", name)
	}
	if d := time.Since(*created); d > time.Minute || d < -time.Minute {
		t.Fatalf("ConsumerCreationTimestamp %s is %s away from now", created.Format(time.RFC3339Nano), d)
	}
	prefix := StreamARN(stream) + "/consumer/" + name + ":"
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `([0-9]+)$`).FindStringSubmatch(str(c.ConsumerARN))
	if m == nil {
		t.Fatalf("ConsumerARN %q, want %s<epoch seconds>", str(c.ConsumerARN), prefix)
	}
	if seconds, _ := strconv.ParseInt(m[1], 10, 64); seconds != created.Unix() {
		t.Fatalf("ConsumerARN %q ends in %s, the creation timestamp %s is %d", str(c.ConsumerARN), m[1], created.Format(time.RFC3339Nano), created.Unix())
	}
}

// CheckMentions: an error message names what it is about.
func CheckMentions(t *T, code, message, what string) {
	if !strings.Contains(message, what) {
		t.Fatalf("%s message %q does not name %s", code, message, what)
	}
}

// ChildShard is what the checks read of an SDK's ChildShard.
type ChildShard struct {
	ShardID                        *string
	ParentShards                   []string
	StartingHashKey, EndingHashKey *string
}

// ShardEvent is what the checks read of a SubscribeToShardEvent.
type ShardEvent struct {
	Records                    []Record
	ContinuationSequenceNumber *string
	MillisBehindLatest         *int64
	ChildShards                []ChildShard
}

func (e ShardEvent) String() string {
	return fmt.Sprintf("{%d records, continuation %q, MillisBehindLatest %v, %d child shards}",
		len(e.Records), str(e.ContinuationSequenceNumber), e.MillisBehindLatest, len(e.ChildShards))
}

// CheckEvent: an event of an open shard has a MillisBehindLatest and a ContinuationSequenceNumber,
// the sequence number of its last record when it has records; it names no child shards.
func CheckEvent(t *T, e ShardEvent) {
	if e.MillisBehindLatest == nil {
		t.Fatalf("event %s without MillisBehindLatest", e)
	}
	if len(e.ChildShards) != 0 {
		t.Fatalf("event %s of an open shard names child shards", e)
	}
	if e.ContinuationSequenceNumber == nil {
		t.Fatalf("event %s without ContinuationSequenceNumber", e)
	}
	if n := len(e.Records); n > 0 && str(e.ContinuationSequenceNumber) != str(e.Records[n-1].SequenceNumber) {
		t.Fatalf("ContinuationSequenceNumber %s, the event's last record is %s", str(e.ContinuationSequenceNumber), str(e.Records[n-1].SequenceNumber))
	}
}

// Sent is a record the test put: its data, partition key and the sequence number PutRecord gave it.
type Sent struct {
	Data                         []byte
	PartitionKey, SequenceNumber *string
}

// CheckDelivered: the records a subscription delivered are those sent, in the order sent, byte
// for byte, with their sequence numbers, partition keys and arrival times.
func CheckDelivered(t *T, sent []Sent, got []Record) {
	if len(got) != len(sent) {
		seqs := make([]string, len(got))
		for i, r := range got {
			seqs[i] = str(r.SequenceNumber)
		}
		t.Fatalf("delivered %d records %v, want %d", len(got), seqs, len(sent))
	}
	for i, r := range got {
		want := sent[i]
		if str(r.SequenceNumber) != str(want.SequenceNumber) {
			t.Fatalf("record %d has sequence number %s, PutRecord gave %s", i, str(r.SequenceNumber), str(want.SequenceNumber))
		}
		if !bytes.Equal(r.Data, want.Data) {
			t.Fatalf("record %d: data %x, want %x", i, r.Data, want.Data)
		}
		if str(r.PartitionKey) != str(want.PartitionKey) {
			t.Fatalf("record %d: PartitionKey %q, want %q", i, str(r.PartitionKey), str(want.PartitionKey))
		}
		CheckArrival(t, r)
	}
}

// CheckLastEvent: the last event of a closed shard, parent, has no ContinuationSequenceNumber
// and names as ChildShards exactly the shards ListShards lists with parent as their parent, each
// with ParentShards [parent] and the listed hash key range. There are two (a split).
func CheckLastEvent(t *T, parent string, e ShardEvent, listed []Shard) {
	if e.ContinuationSequenceNumber != nil {
		t.Fatalf("the last event of closed %s has ContinuationSequenceNumber %s", parent, str(e.ContinuationSequenceNumber))
	}
	if len(e.Records) != 0 {
		t.Fatalf("the last event of closed %s carries %d records", parent, len(e.Records))
	}
	want := map[string]Shard{}
	for _, s := range listed {
		if str(s.ParentShardID) == parent {
			want[str(s.ShardID)] = s
		}
	}
	if len(want) != 2 || len(e.ChildShards) != 2 {
		t.Fatalf("the last event names %d child shards, ListShards %d children of %s; want 2", len(e.ChildShards), len(want), parent)
	}
	children := append([]ChildShard(nil), e.ChildShards...)
	sort.Slice(children, func(i, j int) bool { return str(children[i].ShardID) < str(children[j].ShardID) })
	for _, c := range children {
		s, ok := want[str(c.ShardID)]
		if !ok {
			t.Fatalf("child shard %s is not a child of %s in ListShards", str(c.ShardID), parent)
		}
		delete(want, str(c.ShardID))
		if len(c.ParentShards) != 1 || c.ParentShards[0] != parent {
			t.Fatalf("child shard %s has ParentShards %v, want [%s]", str(c.ShardID), c.ParentShards, parent)
		}
		if c.StartingHashKey == nil || str(c.StartingHashKey) != str(s.StartingHashKey) || str(c.EndingHashKey) != str(s.EndingHashKey) {
			t.Fatalf("child shard %s covers %s..%s, ListShards says %s..%s", str(c.ShardID),
				str(c.StartingHashKey), str(c.EndingHashKey), str(s.StartingHashKey), str(s.EndingHashKey))
		}
	}
}
