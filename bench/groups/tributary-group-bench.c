/*
 * tributary-group-bench: consumer-group measurements with librdkafka against any broker (Tributary, or the
 * librdkafka mock cluster started in-process with "-b mock").
 *
 *   tributary-group-bench join    -b BOOTSTRAP|mock -t TOPIC -p PARTS -m MEMBERS
 *   tributary-group-bench commit  -b BOOTSTRAP|mock -t TOPIC -n COMMITS
 *   tributary-group-bench consume -b BOOTSTRAP -t TOPIC -p PARTS -m MEMBERS -n RECORDS
 *
 * join: MEMBERS consumers (one thread each, one librdkafka handle each) subscribe to TOPIC in a new group at
 *   the same moment; reports the time from the first subscribe (which sends the first JoinGroup) until every
 *   member has its partitions and the assignments cover all PARTS partitions exactly once.
 * commit: one consumer assigned partition 0 commits offsets: COMMITS synchronous commits one after another
 *   (commits/s = 1 / round trip), then COMMITS asynchronous commits pipelined (commits/s until the last
 *   callback).
 * consume: MEMBERS group members (threads) subscribe and consume TOPIC from the beginning until RECORDS records
 *   have arrived in total; reports records/s from the first subscribe (join included) and from the first record.
 *
 * Prints one JSON object per measurement on stdout.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_MEMBERS 64

static const char *brokers = "127.0.0.1:9092";
static const char *topic = "bench";
static long long count = 10000;
static int partitions = 10;
static int members = 10;
static char group[128];

static inline int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *detail) {
        fprintf(stderr, "tributary-group-bench: %s: %s\n", what, detail);
        exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
        char err[512];
        if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) die(k, err);
}

/* Per-member state, written by the member's own thread (rebalance callback runs in poll). */
struct member {
        int index;
        pthread_t thread;
        rd_kafka_t *rk;
        _Atomic int assigned;            /* partitions currently assigned */
        _Atomic int64_t assigned_at;     /* when the last assignment arrived */
        int owns[1024];                  /* partition -> 1 if assigned */
};

static struct member team[MAX_MEMBERS];
static _Atomic int stop;
static _Atomic long long consumed;
static _Atomic int64_t first_record;

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *opaque) {
        struct member *m = opaque;
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                memset(m->owns, 0, sizeof m->owns);
                for (int i = 0; i < parts->cnt; i++)
                        if (parts->elems[i].partition < 1024) m->owns[parts->elems[i].partition] = 1;
                rd_kafka_assign(rk, parts);
                atomic_store(&m->assigned, parts->cnt);
                atomic_store(&m->assigned_at, now_ns());
        } else {
                rd_kafka_assign(rk, NULL);
                memset(m->owns, 0, sizeof m->owns);
                atomic_store(&m->assigned, 0);
        }
}

static rd_kafka_t *new_consumer(struct member *m, int auto_offset_earliest) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", brokers);
        set(conf, "group.id", group);
        set(conf, "enable.auto.commit", "false");
        set(conf, "enable.partition.eof", "false");
        set(conf, "session.timeout.ms", "10000");
        set(conf, "heartbeat.interval.ms", "1000");
        set(conf, "auto.offset.reset", auto_offset_earliest ? "earliest" : "latest");
        if (m) {
                rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
                rd_kafka_conf_set_opaque(conf, m);
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk) die("rd_kafka_new", err);
        rd_kafka_poll_set_consumer(rk);
        return rk;
}

static void subscribe(rd_kafka_t *rk) {
        rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(t, topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, t);
        rd_kafka_topic_partition_list_destroy(t);
        if (e) die("subscribe", rd_kafka_err2str(e));
}

static void *member_loop(void *arg) {
        struct member *m = arg;
        while (!atomic_load(&stop)) {
                rd_kafka_message_t *msg = rd_kafka_consumer_poll(m->rk, 100);
                if (!msg) continue;
                if (!msg->err) {
                        int64_t zero = 0;
                        atomic_compare_exchange_strong(&first_record, &zero, now_ns());
                        atomic_fetch_add(&consumed, 1);
                }
                rd_kafka_message_destroy(msg);
        }
        return NULL;
}

/* True when every member holds partitions and together they hold each of the topic's partitions once. */
static int balanced(void) {
        int seen[1024] = {0};
        for (int i = 0; i < members; i++) {
                if (atomic_load(&team[i].assigned) == 0) return 0;
                for (int p = 0; p < partitions; p++) seen[p] += team[i].owns[p];
        }
        for (int p = 0; p < partitions; p++)
                if (seen[p] != 1) return 0;
        return 1;
}

static void start_members(void) {
        for (int i = 0; i < members; i++) {
                team[i].index = i;
                team[i].rk = new_consumer(&team[i], 1);
        }
        for (int i = 0; i < members; i++) subscribe(team[i].rk);
        for (int i = 0; i < members; i++) pthread_create(&team[i].thread, NULL, member_loop, &team[i]);
}

static void stop_members(void) {
        atomic_store(&stop, 1);
        for (int i = 0; i < members; i++) pthread_join(team[i].thread, NULL);
        for (int i = 0; i < members; i++) {
                rd_kafka_consumer_close(team[i].rk);
                rd_kafka_destroy(team[i].rk);
        }
        atomic_store(&stop, 0);
}

static int run_join(void) {
        if (members > partitions) die("join", "needs at least as many partitions as members");
        int64_t t0 = now_ns();
        start_members();
        while (!balanced()) {
                if (now_ns() - t0 > 120LL * 1000000000LL) die("join", "members not all assigned within 120 s");
                usleep(1000);
        }
        int64_t last = 0;
        for (int i = 0; i < members; i++)
                if (atomic_load(&team[i].assigned_at) > last) last = atomic_load(&team[i].assigned_at);
        printf("{\"mode\":\"join\",\"members\":%d,\"partitions\":%d,\"all_assigned_ms\":%.1f}\n", members, partitions, (last - t0) / 1e6);
        fflush(stdout);
        stop_members();
        return 0;
}

static _Atomic long long commits_done, commit_errors;

static void commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets, void *opaque) {
        (void)rk; (void)offsets; (void)opaque;
        if (err) atomic_fetch_add(&commit_errors, 1);
        atomic_fetch_add(&commits_done, 1);
}

static int run_commit(void) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", brokers);
        set(conf, "group.id", group);
        set(conf, "enable.auto.commit", "false");
        rd_kafka_conf_set_offset_commit_cb(conf, commit_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk) die("rd_kafka_new", err);
        rd_kafka_poll_set_consumer(rk);
        rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(parts, topic, 0);
        rd_kafka_resp_err_t e;
        /* Synchronous: one commit in flight at a time. */
        long long errors = 0;
        int64_t t0 = now_ns();
        for (long long i = 0; i < count; i++) {
                parts->elems[0].offset = i + 1;
                if ((e = rd_kafka_commit(rk, parts, 0))) errors++;
        }
        double sync_s = (now_ns() - t0) / 1e9;
        /* Asynchronous: all queued, completion counted in the commit callback (served by consumer_poll). */
        t0 = now_ns();
        for (long long i = 0; i < count; i++) {
                parts->elems[0].offset = count + i + 1;
                if ((e = rd_kafka_commit(rk, parts, 1))) die("commit", rd_kafka_err2str(e));
        }
        while (atomic_load(&commits_done) < count) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 10);
                if (m) rd_kafka_message_destroy(m);
                if (now_ns() - t0 > 120LL * 1000000000LL) die("commit", "async commits not done within 120 s");
        }
        double async_s = (now_ns() - t0) / 1e9;
        printf("{\"mode\":\"commit\",\"commits\":%lld,\"sync_commits_per_s\":%.0f,\"sync_errors\":%lld,"
               "\"async_commits_per_s\":%.0f,\"async_errors\":%lld}\n",
               count, count / sync_s, errors, count / async_s, (long long)atomic_load(&commit_errors));
        fflush(stdout);
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return errors || atomic_load(&commit_errors) ? 2 : 0;
}

static int run_consume(void) {
        int64_t t0 = now_ns();
        start_members();
        while (atomic_load(&consumed) < count) {
                if (now_ns() - t0 > 300LL * 1000000000LL) die("consume", "not all records within 300 s");
                usleep(500);
        }
        int64_t t1 = now_ns();
        long long got = atomic_load(&consumed);
        double from_join = (t1 - t0) / 1e9, from_first = (t1 - atomic_load(&first_record)) / 1e9;
        printf("{\"mode\":\"group-consume\",\"members\":%d,\"partitions\":%d,\"records\":%lld,"
               "\"records_per_s\":%.0f,\"records_per_s_from_first_record\":%.0f,\"join_to_first_record_ms\":%.1f}\n",
               members, partitions, got, got / from_join, got / from_first, (atomic_load(&first_record) - t0) / 1e6);
        fflush(stdout);
        stop_members();
        return 0;
}

static void usage(void) {
        fprintf(stderr, "usage: tributary-group-bench join|commit|consume [-b BOOTSTRAP|mock] [-t topic] [-p partitions] [-m members] [-n count]\n");
        exit(64);
}

int main(int argc, char **argv) {
        if (argc < 2) usage();
        const char *mode = argv[1];
        int c;
        optind = 2;
        while ((c = getopt(argc, argv, "b:t:n:p:m:")) != -1) {
                switch (c) {
                case 'b': brokers = optarg; break;
                case 't': topic = optarg; break;
                case 'n': count = atoll(optarg); break;
                case 'p': partitions = atoi(optarg); break;
                case 'm': members = atoi(optarg); break;
                default: usage();
                }
        }
        if (members < 1 || members > MAX_MEMBERS || partitions < 1 || partitions > 1024 || count < 1) usage();
        snprintf(group, sizeof group, "bench-%s-%d-%ld", mode, (int)getpid(), (long)time(NULL));
        rd_kafka_t *owner = NULL;
        rd_kafka_mock_cluster_t *mc = NULL;
        if (!strcmp(brokers, "mock")) {
                char err[512];
                owner = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err);
                if (!owner) die("rd_kafka_new (mock owner)", err);
                mc = rd_kafka_mock_cluster_new(owner, 1);
                if (!mc) die("rd_kafka_mock_cluster_new", "failed");
                rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, topic, partitions, 1);
                if (e) die("rd_kafka_mock_topic_create", rd_kafka_err2str(e));
                brokers = strdup(rd_kafka_mock_cluster_bootstraps(mc));
        }
        int rc;
        if (!strcmp(mode, "join")) rc = run_join();
        else if (!strcmp(mode, "commit")) rc = run_commit();
        else if (!strcmp(mode, "consume")) rc = run_consume();
        else usage(), rc = 64;
        if (mc) {
                rd_kafka_mock_cluster_destroy(mc);
                rd_kafka_destroy(owner);
        }
        return rc;
}
