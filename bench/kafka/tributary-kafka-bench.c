/*
 * tributary-kafka-bench: a small librdkafka load generator for Tributary's Kafka listener.
 *
 *   tributary-kafka-bench produce -b HOST:PORT -t TOPIC [-n N] [-s SIZE] [-a ACKS] [-p PARTS] [-r RATE]
 *   tributary-kafka-bench consume -b HOST:PORT -t TOPIC [-n N] [-p PARTS]
 *   tributary-kafka-bench mock    -t TOPIC [-n N] [-s SIZE] [-a ACKS] [-p PARTS] [-r RATE]
 *
 * produce: librdkafka producer, linger.ms=5, default batch.size (1,000,000 bytes in librdkafka 2.0.2),
 *   compression none, records spread round-robin over PARTS partitions. Latency of each record is the
 *   time from produce() to its delivery report (the send timestamp rides in the per-message opaque).
 *   -r RATE paces produce() calls to RATE records/s (0 = as fast as possible).
 * consume: fetches the topic's metadata, then assigns partitions 0..PARTS-1 from the beginning (no consumer
 *   group) and counts records until N have arrived.
 * mock: starts a one-broker librdkafka mock cluster in this process (rd_kafka_mock_cluster_new),
 *   creates TOPIC with PARTS partitions on it and runs the produce load against it.
 *
 * Prints one JSON object on stdout. MB = 10^6 bytes of record values (keys are null; framing not counted).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static const char *brokers = "127.0.0.1:9092";
static const char *topic = "bench";
static long long count = 2000000;
static int size = 100;
static const char *acks = "1";
static int partitions = 1;
static double rate = 0;

static uint32_t *lat_us;          /* one entry per delivered record */
static long long delivered, failed;
static rd_kafka_resp_err_t first_err;

static inline int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double cpu_self_s(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of this process's threads whose name contains `needle` (e.g. the mock broker's thread). */
static double cpu_threads_s(const char *needle) {
        double total = 0;
        long tck = sysconf(_SC_CLK_TCK);
        DIR *d = opendir("/proc/self/task");
        struct dirent *e;
        if (!d) return -1;
        while ((e = readdir(d))) {
                char path[300], comm[64] = "", buf[1024];
                FILE *f;
                if (e->d_name[0] == '.') continue;
                snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
                if (!(f = fopen(path, "r"))) continue;
                if (!fgets(comm, sizeof comm, f)) comm[0] = 0;
                fclose(f);
                if (!strstr(comm, needle)) continue;
                snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
                if (!(f = fopen(path, "r"))) continue;
                if (fgets(buf, sizeof buf, f)) {
                        char *p = strrchr(buf, ')');
                        unsigned long ut = 0, st = 0;
                        /* fields after ")": state(3) ... utime(14) stime(15) */
                        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
                                total += (double)(ut + st) / tck;
                }
                fclose(f);
        }
        closedir(d);
        return total;
}

static void die(const char *what, const char *detail) {
        fprintf(stderr, "tributary-kafka-bench: %s: %s\n", what, detail);
        exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
        char err[512];
        if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) die(k, err);
}

/* -X key=value settings (security.protocol, ssl.ca.location, sasl.*), applied to the producer and the consumer. */
#define MAX_EXTRA 16
static char *extra[MAX_EXTRA];
static int extra_count;

static void set_extra(rd_kafka_conf_t *conf) {
        for (int i = 0; i < extra_count; i++) {
                char *eq = strchr(extra[i], '=');
                if (!eq) die("-X", "expected key=value");
                *eq = '\0';
                set(conf, extra[i], eq + 1);
                *eq = '=';
        }
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk; (void)opaque;
        if (m->err) {
                if (!failed++) first_err = m->err;
                return;
        }
        int64_t d = now_ns() - (int64_t)(intptr_t)m->_private;
        lat_us[delivered++] = (uint32_t)(d / 1000);
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

static double pct_ms(double p) {
        if (!delivered) return -1;
        long long i = (long long)(p * (delivered - 1));
        return lat_us[i] / 1000.0;
}

static int run_produce(const char *mode, const char *bootstrap) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "acks", acks);
        set(conf, "linger.ms", "5");
        set(conf, "compression.codec", "none");
        set(conf, "queue.buffering.max.messages", "10000000");
        set(conf, "queue.buffering.max.kbytes", "2097151");
        if (strcmp(mode, "mock")) set_extra(conf);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!rk) die("rd_kafka_new", err);
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);

        char *payload = malloc(size);
        for (int i = 0; i < size; i++) payload[i] = 'a' + i % 26;
        lat_us = calloc(count, sizeof *lat_us);

        /* Warm up: metadata and connections, one record per partition (not counted). */
        long long warm = 0;
        for (int p = 0; p < partitions; p++)
                if (rd_kafka_produce(rkt, p, 0, payload, size, NULL, 0, (void *)(intptr_t)now_ns()) == 0) warm++;
        rd_kafka_flush(rk, 30000);
        if (failed) die("warm-up produce failed", rd_kafka_err2str(first_err));
        delivered = 0;

        double cpu0 = cpu_self_s(), mock0 = cpu_threads_s("mock");
        int64_t t0 = now_ns();
        long long i = 0;
        while (i < count) {
                if (rate > 0) {
                        int64_t now = now_ns();
                        long long allowed = (long long)((now - t0) * rate / 1e9) + 1;
                        if (allowed > count) allowed = count;
                        if (i >= allowed) {
                                rd_kafka_poll(rk, 0);
                                struct timespec s = {0, 100000}; /* 100 µs */
                                nanosleep(&s, NULL);
                                continue;
                        }
                        while (i < allowed) {
                                if (rd_kafka_produce(rkt, (int32_t)(i % partitions), 0, payload, size, NULL, 0,
                                                     (void *)(intptr_t)now_ns()) == -1) {
                                        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                                                die("produce", rd_kafka_err2str(rd_kafka_last_error()));
                                        rd_kafka_poll(rk, 1);
                                        continue;
                                }
                                i++;
                        }
                        rd_kafka_poll(rk, 0);
                } else {
                        if (rd_kafka_produce(rkt, (int32_t)(i % partitions), 0, payload, size, NULL, 0,
                                             (void *)(intptr_t)now_ns()) == -1) {
                                if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                                        die("produce", rd_kafka_err2str(rd_kafka_last_error()));
                                rd_kafka_poll(rk, 1);
                                continue;
                        }
                        i++;
                        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
                }
        }
        while (delivered + failed < count) rd_kafka_poll(rk, 100);
        int64_t t1 = now_ns();
        double cpu1 = cpu_self_s(), mock1 = cpu_threads_s("mock");

        double secs = (t1 - t0) / 1e9;
        qsort(lat_us, delivered, sizeof *lat_us, cmp_u32);
        printf("{\"mode\":\"%s\",\"topic\":\"%s\",\"partitions\":%d,\"acks\":\"%s\",\"records\":%lld,"
               "\"record_size\":%d,\"rate_target\":%.0f,\"elapsed_s\":%.3f,\"records_per_s\":%.0f,"
               "\"mb_per_s\":%.2f,\"lat_p50_ms\":%.3f,\"lat_p99_ms\":%.3f,\"lat_p999_ms\":%.3f,"
               "\"lat_max_ms\":%.3f,\"errors\":%lld,\"first_error\":\"%s\",\"client_cpu_s\":%.3f,"
               "\"mock_thread_cpu_s\":%.3f}\n",
               mode, topic, partitions, acks, count, size, rate, secs, delivered / secs,
               delivered * (double)size / 1e6 / secs, pct_ms(0.50), pct_ms(0.99), pct_ms(0.999),
               delivered ? lat_us[delivered - 1] / 1000.0 : -1.0, failed,
               failed ? rd_kafka_err2str(first_err) : "", cpu1 - cpu0, mock1 - mock0);
        fflush(stdout);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        return failed ? 2 : 0;
}

static int run_consume(void) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", brokers);
        set(conf, "enable.partition.eof", "false");
        /* A group id is needed for the consumer queue; no subscribe, no commits: the group is never joined. */
        set(conf, "group.id", "tributary-kafka-bench");
        set(conf, "enable.auto.commit", "false");
        set_extra(conf);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk) die("rd_kafka_new", err);
        rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
        for (int p = 0; p < partitions; p++)
                rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
        if (!q) die("consumer queue", "none");

        static rd_kafka_message_t *msgs[10000];
        long long got = 0, bytes = 0, errors = 0;
        double cpu0 = cpu_self_s();
        int64_t t0 = now_ns(), first = 0, last_progress = t0;
        /* Learn the partition leaders before assigning (timed: connect and Metadata count). Assigned without
         * them, librdkafka parks each partition's offset query on a 500 ms retry timer ("no current leader"),
         * whatever the broker, which used to add ~0.5 s before the first fetch of every run. */
        rd_kafka_topic_t *meta_topic = rd_kafka_topic_new(rk, topic, NULL);
        const struct rd_kafka_metadata *md;
        rd_kafka_resp_err_t me = rd_kafka_metadata(rk, 0, meta_topic, &md, 10000);
        if (me) die("metadata", rd_kafka_err2str(me));
        rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(meta_topic);
        rd_kafka_resp_err_t e = rd_kafka_assign(rk, parts);
        if (e) die("assign", rd_kafka_err2str(e));
        while (got < count) {
                ssize_t n = rd_kafka_consume_batch_queue(q, 1000, msgs, 10000);
                int64_t now = now_ns();
                if (n <= 0) {
                        if (now - last_progress > 30LL * 1000000000LL) die("consume", "no records for 30 s");
                        continue;
                }
                last_progress = now;
                for (ssize_t k = 0; k < n; k++) {
                        if (msgs[k]->err) {
                                if (!errors++) fprintf(stderr, "consume error: %s\n", rd_kafka_message_errstr(msgs[k]));
                        } else {
                                if (!got) first = now;
                                got++;
                                bytes += msgs[k]->len;
                        }
                        rd_kafka_message_destroy(msgs[k]);
                }
        }
        int64_t t1 = now_ns();
        double secs = (t1 - t0) / 1e9;
        printf("{\"mode\":\"consume\",\"topic\":\"%s\",\"partitions\":%d,\"records\":%lld,\"bytes\":%lld,"
               "\"elapsed_s\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,\"first_record_after_ms\":%.1f,"
               "\"errors\":%lld,\"client_cpu_s\":%.3f}\n",
               topic, partitions, got, bytes, secs, got / secs, bytes / 1e6 / secs, (first - t0) / 1e6, errors,
               cpu_self_s() - cpu0);
        fflush(stdout);
        rd_kafka_queue_destroy(q);
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return 0;
}

static int run_mock(void) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!owner) die("rd_kafka_new (mock owner)", err);
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(owner, 1);
        if (!mc) die("rd_kafka_mock_cluster_new", "failed");
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, topic, partitions, 1);
        if (e) die("rd_kafka_mock_topic_create", rd_kafka_err2str(e));
        char *bootstrap = strdup(rd_kafka_mock_cluster_bootstraps(mc));
        int rc = run_produce("mock", bootstrap);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(owner);
        free(bootstrap);
        return rc;
}

static void usage(void) {
        fprintf(stderr,
                "usage: tributary-kafka-bench produce|consume|mock [-b brokers] [-t topic] [-n records]\n"
                "       [-s record-size] [-a acks: 1|all|-1] [-p partitions] [-r records-per-second] [-X key=value]...\n");
        exit(64);
}

int main(int argc, char **argv) {
        if (argc < 2) usage();
        const char *mode = argv[1];
        int c;
        optind = 2;
        while ((c = getopt(argc, argv, "b:t:n:s:a:p:r:X:")) != -1) {
                switch (c) {
                case 'b': brokers = optarg; break;
                case 't': topic = optarg; break;
                case 'n': count = atoll(optarg); break;
                case 's': size = atoi(optarg); break;
                case 'a': acks = optarg; break;
                case 'p': partitions = atoi(optarg); break;
                case 'r': rate = atof(optarg); break;
                case 'X':
                        if (extra_count == MAX_EXTRA) die("-X", "too many settings");
                        extra[extra_count++] = optarg;
                        break;
                default: usage();
                }
        }
        if (count <= 0 || size <= 0 || partitions <= 0) usage();
        if (!strcmp(mode, "produce")) return run_produce("produce", brokers);
        if (!strcmp(mode, "consume")) return run_consume();
        if (!strcmp(mode, "mock")) return run_mock();
        usage();
        return 64;
}
