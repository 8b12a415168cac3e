package main

// Enhanced fan-out through the SDK for Go v1: RegisterStreamConsumer, DescribeStreamConsumer,
// ListStreamConsumers, DeregisterStreamConsumer and SubscribeToShard read with the SDK's event
// stream API (SubscribeToShardWithContext, GetStream, Events, Err). The subscriptions need HTTP/2
// and run over https only (harness.RequireHTTP2); each waits at most harness.SubscribeTimeout for
// anything, and none waits for a heartbeat.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/service/kinesis"

	"../harness"
)

const firstShard = "shardId-000000000000"

var subscribeTests = []harness.Test{
	{Name: "consumer_register_describe_list_deregister", Fn: testConsumerLifecycle},
	{Name: "consumer_duplicate_name_is_resource_in_use", Fn: testDuplicateConsumerIsResourceInUse},
	{Name: "consumer_unknown_is_resource_not_found", Fn: testUnknownConsumerIsResourceNotFound},
	{Name: "subscribe_to_shard_delivers_records_over_http2", Fn: testSubscribeDeliversRecords},
	{Name: "subscribe_to_shard_resumes_after_continuation", Fn: testSubscribeResumesAfterContinuation},
	{Name: "subscribe_to_shard_ends_with_child_shards_after_split", Fn: testSubscribeEndsWithChildShards},
	{Name: "subscribe_to_shard_twice_is_resource_in_use", Fn: testSecondSubscriptionIsResourceInUse},
	{Name: "subscribe_to_shard_ends_when_consumer_deregistered", Fn: testDeregisterEndsSubscription},
	{Name: "subscribe_to_shard_unknown_consumer_is_resource_not_found", Fn: testSubscribeUnknownConsumer},
}

// ---- consumers -----------------------------------------------------------------------------------

func consumer(c *kinesis.Consumer) harness.Consumer {
	return harness.Consumer{ConsumerName: c.ConsumerName, ConsumerARN: c.ConsumerARN,
		ConsumerStatus: c.ConsumerStatus, ConsumerCreationTimestamp: c.ConsumerCreationTimestamp}
}

func description(c *kinesis.ConsumerDescription) harness.Consumer {
	return harness.Consumer{ConsumerName: c.ConsumerName, ConsumerARN: c.ConsumerARN,
		ConsumerStatus: c.ConsumerStatus, ConsumerCreationTimestamp: c.ConsumerCreationTimestamp}
}

func registerConsumer(t *harness.T, stream, name string) *kinesis.Consumer {
	out, err := kin.RegisterStreamConsumer(&kinesis.RegisterStreamConsumerInput{
		StreamARN: aws.String(harness.StreamARN(stream)), ConsumerName: aws.String(name)})
	t.Check(err, "RegisterStreamConsumer")
	if out.Consumer == nil {
		t.Fatalf("RegisterStreamConsumer answered no Consumer")
	}
	return out.Consumer
}

// waitConsumerActive polls DescribeStreamConsumer until the consumer is ACTIVE.
func waitConsumerActive(t *harness.T, arn *string) *kinesis.ConsumerDescription {
	deadline := time.Now().Add(harness.SubscribeTimeout)
	for {
		out, err := kin.DescribeStreamConsumer(&kinesis.DescribeStreamConsumerInput{ConsumerARN: arn})
		t.Check(err, "DescribeStreamConsumer")
		d := out.ConsumerDescription
		if aws.StringValue(d.ConsumerStatus) == kinesis.ConsumerStatusActive {
			return d
		}
		if s := aws.StringValue(d.ConsumerStatus); s != kinesis.ConsumerStatusCreating {
			t.Fatalf("consumer %s is %s while waiting for ACTIVE", aws.StringValue(arn), s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer %s still CREATING after %s", aws.StringValue(arn), harness.SubscribeTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// activeConsumer registers a consumer of the stream and waits until it is ACTIVE; it goes with
// the stream (DeleteStream with EnforceConsumerDeletion).
func activeConsumer(t *harness.T, stream string) (name string, arn *string) {
	name = harness.ConsumerName()
	arn = registerConsumer(t, stream, name).ConsumerARN
	waitConsumerActive(t, arn)
	return name, arn
}

func listConsumers(t *harness.T, stream string, pageSize int64) []*kinesis.Consumer {
	var all []*kinesis.Consumer
	in := &kinesis.ListStreamConsumersInput{StreamARN: aws.String(harness.StreamARN(stream)), MaxResults: aws.Int64(pageSize)}
	for page := 0; page < 100; page++ {
		out, err := kin.ListStreamConsumers(in)
		t.Check(err, "ListStreamConsumers")
		if int64(len(out.Consumers)) > pageSize {
			t.Fatalf("ListStreamConsumers answered %d consumers for MaxResults %d", len(out.Consumers), pageSize)
		}
		all = append(all, out.Consumers...)
		if out.NextToken == nil {
			return all
		}
		in = &kinesis.ListStreamConsumersInput{StreamARN: in.StreamARN, MaxResults: in.MaxResults, NextToken: out.NextToken}
	}
	t.Fatalf("ListStreamConsumers did not end after 100 pages")
	return nil
}

func testConsumerLifecycle(t *harness.T) {
	stream := createStream(t, 1)
	name := harness.ConsumerName()
	registered := registerConsumer(t, stream, name)
	harness.CheckConsumer(t, stream, name, kinesis.ConsumerStatusCreating, consumer(registered))

	d := waitConsumerActive(t, registered.ConsumerARN)
	harness.CheckConsumer(t, stream, name, kinesis.ConsumerStatusActive, description(d))
	if aws.StringValue(d.ConsumerARN) != aws.StringValue(registered.ConsumerARN) || aws.StringValue(d.StreamARN) != harness.StreamARN(stream) {
		t.Fatalf("DescribeStreamConsumer: ConsumerARN %s, StreamARN %s; want %s, %s", aws.StringValue(d.ConsumerARN),
			aws.StringValue(d.StreamARN), aws.StringValue(registered.ConsumerARN), harness.StreamARN(stream))
	}
	byName, err := kin.DescribeStreamConsumer(&kinesis.DescribeStreamConsumerInput{
		StreamARN: aws.String(harness.StreamARN(stream)), ConsumerName: aws.String(name)})
	t.Check(err, "DescribeStreamConsumer by StreamARN and ConsumerName")
	harness.CheckConsumer(t, stream, name, kinesis.ConsumerStatusActive, description(byName.ConsumerDescription))

	other := harness.ConsumerName()
	otherARN := registerConsumer(t, stream, other).ConsumerARN
	waitConsumerActive(t, otherARN)
	listed := listConsumers(t, stream, 1) // one per page: NextToken is followed
	if len(listed) != 2 {
		t.Fatalf("ListStreamConsumers lists %d consumers, want 2", len(listed))
	}
	byARN := map[string]*kinesis.Consumer{}
	for _, c := range listed {
		byARN[aws.StringValue(c.ConsumerARN)] = c
	}
	c, ok := byARN[aws.StringValue(registered.ConsumerARN)]
	if !ok || byARN[aws.StringValue(otherARN)] == nil {
		t.Fatalf("ListStreamConsumers lists %v, want %s and %s", listed, aws.StringValue(registered.ConsumerARN), aws.StringValue(otherARN))
	}
	harness.CheckConsumer(t, stream, name, kinesis.ConsumerStatusActive, consumer(c))

	_, err = kin.DeregisterStreamConsumer(&kinesis.DeregisterStreamConsumerInput{ConsumerARN: registered.ConsumerARN})
	t.Check(err, "DeregisterStreamConsumer")
	deadline := time.Now().Add(harness.SubscribeTimeout)
	for {
		out, err := kin.DescribeStreamConsumer(&kinesis.DescribeStreamConsumerInput{ConsumerARN: registered.ConsumerARN})
		if err != nil {
			expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
			break
		}
		if s := aws.StringValue(out.ConsumerDescription.ConsumerStatus); s != kinesis.ConsumerStatusDeleting {
			t.Fatalf("consumer %s after DeregisterStreamConsumer", s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer still DELETING after %s", harness.SubscribeTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	left := listConsumers(t, stream, 100)
	if len(left) != 1 || aws.StringValue(left[0].ConsumerARN) != aws.StringValue(otherARN) {
		t.Fatalf("after DeregisterStreamConsumer ListStreamConsumers lists %v, want only %s", left, aws.StringValue(otherARN))
	}
}

func testDuplicateConsumerIsResourceInUse(t *harness.T) {
	stream := createStream(t, 1)
	name := harness.ConsumerName()
	registerConsumer(t, stream, name)
	_, err := kin.RegisterStreamConsumer(&kinesis.RegisterStreamConsumerInput{
		StreamARN: aws.String(harness.StreamARN(stream)), ConsumerName: aws.String(name)})
	aerr := expectError(t, err, kinesis.ErrCodeResourceInUseException, 400, "")
	if _, ok := err.(*kinesis.ResourceInUseException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceInUseException: %T", err)
	}
	harness.CheckMentions(t, aerr.Code(), aerr.Message(), name)
}

func testUnknownConsumerIsResourceNotFound(t *harness.T) {
	stream := createStream(t, 1)
	name := harness.ConsumerName()
	_, err := kin.DescribeStreamConsumer(&kinesis.DescribeStreamConsumerInput{
		StreamARN: aws.String(harness.StreamARN(stream)), ConsumerName: aws.String(name)})
	aerr := expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
	if _, ok := err.(*kinesis.ResourceNotFoundException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceNotFoundException: %T", err)
	}
	harness.CheckMentions(t, aerr.Code(), aerr.Message(), name)

	arn := fmt.Sprintf("%s/consumer/%s:%d", harness.StreamARN(stream), name, time.Now().Unix())
	_, err = kin.DescribeStreamConsumer(&kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(arn)})
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
	_, err = kin.DeregisterStreamConsumer(&kinesis.DeregisterStreamConsumerInput{
		StreamARN: aws.String(harness.StreamARN(stream)), ConsumerName: aws.String(name)})
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
	_, err = kin.ListStreamConsumers(&kinesis.ListStreamConsumersInput{StreamARN: aws.String(harness.StreamARN(harness.MissingName()))})
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
}

// ---- subscriptions -------------------------------------------------------------------------------

func position(kind string, seq *string) *kinesis.StartingPosition {
	return &kinesis.StartingPosition{Type: aws.String(kind), SequenceNumber: seq}
}

// trySubscribe calls SubscribeToShard; a stream it opens is closed when the test ends.
func trySubscribe(t *harness.T, consumerARN *string, shardID string, start *kinesis.StartingPosition) (*kinesis.SubscribeToShardEventStream, error) {
	ctx, cancel := context.WithTimeout(aws.BackgroundContext(), harness.SubscribeTimeout)
	t.Cleanup(cancel)
	out, err := kin.SubscribeToShardWithContext(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN: consumerARN, ShardId: aws.String(shardID), StartingPosition: start})
	if err != nil {
		return nil, err
	}
	es := out.GetStream()
	t.Cleanup(func() { _ = es.Close() })
	return es, nil
}

func subscribe(t *harness.T, consumerARN *string, shardID string, start *kinesis.StartingPosition) *kinesis.SubscribeToShardEventStream {
	es, err := trySubscribe(t, consumerARN, shardID, start)
	t.Check(err, "SubscribeToShard "+aws.StringValue(start.Type))
	return es
}

func shardEvent(e *kinesis.SubscribeToShardEvent) harness.ShardEvent {
	h := harness.ShardEvent{ContinuationSequenceNumber: e.ContinuationSequenceNumber, MillisBehindLatest: e.MillisBehindLatest,
		Records: records(e.Records)}
	for _, c := range e.ChildShards {
		child := harness.ChildShard{ShardID: c.ShardId, ParentShards: aws.StringValueSlice(c.ParentShards)}
		if r := c.HashKeyRange; r != nil {
			child.StartingHashKey, child.EndingHashKey = r.StartingHashKey, r.EndingHashKey
		}
		h.ChildShards = append(h.ChildShards, child)
	}
	return h
}

// nextEvent waits for the subscription's next event; false when the stream ended (Err tells how).
func nextEvent(t *harness.T, es *kinesis.SubscribeToShardEventStream) (harness.ShardEvent, bool) {
	timer := time.NewTimer(harness.SubscribeTimeout)
	defer timer.Stop()
	select {
	case event, ok := <-es.Events():
		if !ok {
			return harness.ShardEvent{}, false
		}
		e, isShardEvent := event.(*kinesis.SubscribeToShardEvent)
		if !isShardEvent {
			t.Fatalf("unexpected event %T: %v", event, event)
		}
		return shardEvent(e), true
	case <-timer.C:
		t.Fatalf("no event within %s", harness.SubscribeTimeout)
	}
	return harness.ShardEvent{}, false
}

// collect reads events of an open shard until `want` records came; it returns them and the
// last event's ContinuationSequenceNumber.
func collect(t *harness.T, es *kinesis.SubscribeToShardEventStream, want int) ([]harness.Record, *string) {
	var got []harness.Record
	var continuation *string
	for len(got) < want {
		e, ok := nextEvent(t, es)
		if !ok {
			t.Fatalf("the subscription ended after %d of %d records: %v", len(got), want, es.Err())
		}
		harness.CheckEvent(t, e)
		got = append(got, e.Records...)
		continuation = e.ContinuationSequenceNumber
	}
	return got, continuation
}

// put writes data[i] with partition key pk-<first+i> by PutRecord, one after the other.
func put(t *harness.T, stream string, data [][]byte, first int) []harness.Sent {
	sent := make([]harness.Sent, len(data))
	for i, d := range data {
		pk := aws.String(fmt.Sprintf("pk-%d", first+i))
		out, err := kin.PutRecord(&kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: pk, Data: d})
		t.Check(err, "PutRecord")
		sent[i] = harness.Sent{Data: d, PartitionKey: pk, SequenceNumber: out.SequenceNumber}
	}
	return sent
}

// Records put before and after subscribing come in order, over HTTP/2 (chosen by ALPN).
func testSubscribeDeliversRecords(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	_, arn := activeConsumer(t, stream)
	data := harness.RecordData()
	sent := put(t, stream, data[:4], 0)
	protocol.Take()
	es := subscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeTrimHorizon, nil))
	harness.CheckNegotiated(t, protocol.Take())
	sent = append(sent, put(t, stream, data[4:], 4)...)
	got, continuation := collect(t, es, len(sent))
	harness.CheckDelivered(t, sent, got)
	if last := sent[len(sent)-1].SequenceNumber; aws.StringValue(continuation) != aws.StringValue(last) {
		t.Fatalf("ContinuationSequenceNumber %s, the last record is %s", aws.StringValue(continuation), aws.StringValue(last))
	}
}

// A new subscription from AFTER_SEQUENCE_NUMBER of the last continuation starts with the next
// record: nothing again, nothing missed.
func testSubscribeResumesAfterContinuation(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	_, arn := activeConsumer(t, stream)
	data := harness.RecordData()
	first := put(t, stream, data[:3], 0)
	es := subscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeTrimHorizon, nil))
	got, continuation := collect(t, es, len(first))
	harness.CheckDelivered(t, first, got)
	t.Check(es.Close(), "closing the first subscription")

	second := put(t, stream, data[3:6], 3)
	resumed := resubscribe(t, arn, position(kinesis.ShardIteratorTypeAfterSequenceNumber, continuation))
	got, _ = collect(t, resumed, len(second))
	harness.CheckDelivered(t, second, got)
}

// resubscribe subscribes again once the closed subscription is gone: a server may still count it
// as running for a moment (and refuse a new one within 5 s of its start with ResourceInUse).
func resubscribe(t *harness.T, arn *string, start *kinesis.StartingPosition) *kinesis.SubscribeToShardEventStream {
	deadline := time.Now().Add(7 * time.Second)
	for {
		es, err := trySubscribe(t, arn, firstShard, start)
		if err == nil {
			return es
		}
		if _, inUse := err.(*kinesis.ResourceInUseException); !inUse || time.Now().After(deadline) {
			t.Fatalf("SubscribeToShard %s %s: %v", aws.StringValue(start.Type), aws.StringValue(start.SequenceNumber), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// After SplitShard of the subscribed shard, a last event names both children and has no
// continuation, and the stream ends without an error.
func testSubscribeEndsWithChildShards(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	_, arn := activeConsumer(t, stream)
	sent := put(t, stream, harness.RecordData()[:2], 0)
	es := subscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeTrimHorizon, nil))
	got, _ := collect(t, es, len(sent))
	harness.CheckDelivered(t, sent, got)

	parent := listShards(t, stream)[0]
	_, err := kin.SplitShard(&kinesis.SplitShardInput{StreamName: aws.String(stream),
		ShardToSplit: parent.ShardId, NewStartingHashKey: aws.String(harness.Midpoint(t, shard(parent)).String())})
	t.Check(err, "SplitShard")
	var last harness.ShardEvent
	for {
		e, ok := nextEvent(t, es)
		if !ok {
			t.Fatalf("the subscription ended without an event naming the child shards: %v", es.Err())
		}
		if e.ContinuationSequenceNumber == nil || len(e.ChildShards) > 0 {
			last = e
			break
		}
		harness.CheckEvent(t, e)
		if len(e.Records) > 0 {
			t.Fatalf("an event with %d records after the split, none were put", len(e.Records))
		}
	}
	waitActive(t, stream)
	harness.CheckLastEvent(t, aws.StringValue(parent.ShardId), last, shards(listShards(t, stream)))
	if e, ok := nextEvent(t, es); ok {
		t.Fatalf("an event after the last one: %s", e)
	}
	t.Check(es.Err(), "the subscription's end")
}

// A second subscription of the same consumer and shard while the first runs (less than 5 s old)
// is refused with ResourceInUseException; the first goes on.
func testSecondSubscriptionIsResourceInUse(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	_, arn := activeConsumer(t, stream)
	es := subscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeLatest, nil))
	_, err := trySubscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeLatest, nil))
	expectError(t, err, kinesis.ErrCodeResourceInUseException, 400, "")
	if _, ok := err.(*kinesis.ResourceInUseException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceInUseException: %T", err)
	}
	sent := put(t, stream, harness.RecordData()[:1], 0)
	got, _ := collect(t, es, len(sent))
	harness.CheckDelivered(t, sent, got)
}

// DeregisterStreamConsumer ends the consumer's subscriptions with a ResourceNotFoundException
// event, which the SDK hands over as the stream's error.
func testDeregisterEndsSubscription(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	name, arn := activeConsumer(t, stream)
	es := subscribe(t, arn, firstShard, position(kinesis.ShardIteratorTypeLatest, nil))
	_, err := kin.DeregisterStreamConsumer(&kinesis.DeregisterStreamConsumerInput{ConsumerARN: arn})
	t.Check(err, "DeregisterStreamConsumer")
	for {
		e, ok := nextEvent(t, es)
		if !ok {
			break
		}
		harness.CheckEvent(t, e)
	}
	err = es.Err()
	if _, ok := err.(*kinesis.ResourceNotFoundException); !ok {
		t.Fatalf("the subscription ended with %T %v, want a *kinesis.ResourceNotFoundException", err, err)
	}
	aerr := err.(awserr.Error)
	if aerr.Code() != kinesis.ErrCodeResourceNotFoundException {
		t.Fatalf("error code %s", aerr.Code())
	}
	harness.CheckMentions(t, aerr.Code(), aerr.Message(), name)
}

func testSubscribeUnknownConsumer(t *harness.T) {
	harness.RequireHTTP2(t)
	stream := createStream(t, 1)
	arn := fmt.Sprintf("%s/consumer/%s:%d", harness.StreamARN(stream), harness.ConsumerName(), time.Now().Unix())
	_, err := trySubscribe(t, aws.String(arn), firstShard, position(kinesis.ShardIteratorTypeLatest, nil))
	expectError(t, err, kinesis.ErrCodeResourceNotFoundException, 400, "")
	if _, ok := err.(*kinesis.ResourceNotFoundException); !ok {
		t.Fatalf("the SDK did not unmarshal its typed *kinesis.ResourceNotFoundException: %T", err)
	}
}
