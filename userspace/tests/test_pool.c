// SPDX-License-Identifier: GPL-2.0
/* Address pools: distinct leases, same client same address, exhaustion, grace, ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "json.h"
#include "pool.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct pool *mk(const uint32_t (*r)[2], size_t n, unsigned int grace)
{
	struct conf_pool cp = { .name = "ourpool" };
	size_t i;

	for (i = 0; i < n; i++) {
		cp.ranges[i].first = r[i][0];
		cp.ranges[i].last = r[i][1];
	}
	cp.nranges = n;
	return pool_new(&cp, grace);
}

/* client n: ID_IPV4_ADDR of its own, outside address 198.51.100.n port 500 */
static struct pool_key key(unsigned int n)
{
	struct pool_key k = { .id_type = 1, .id_len = 4, .port = htons(500) };
	uint32_t a = htonl(IP(198, 51, 100, n));

	memcpy(k.id, &a, 4);
	k.addr = a;
	return k;
}

static void test_distinct(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 254) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2), k3 = key(2);
	uint32_t a1, a2, a3;

	(void)state;
	assert_int_equal(pool_lease(p, &k1, 0, &a1), 0);
	assert_int_equal(pool_lease(p, &k2, 0, &a2), 0);
	assert_int_equal(a1, IP(10, 2, 1, 1));
	assert_int_equal(a2, IP(10, 2, 1, 2));
	/* same identity, another NAT port: another client */
	k3.port = htons(4500);
	assert_int_equal(pool_lease(p, &k3, 0, &a3), 0);
	assert_int_equal(a3, IP(10, 2, 1, 3));
	assert_int_equal(pool_count(p, 0), 3);
	pool_free(p);
}

static void test_same_client(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 254) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2);
	uint32_t a, b, c;

	(void)state;
	assert_int_equal(pool_lease(p, &k1, 0, &a), 0);
	assert_int_equal(pool_lease(p, &k2, 0, &c), 0);
	/* re-authentication while the old SA is still up: same address, two references */
	assert_int_equal(pool_lease(p, &k1, 5, &b), 0);
	assert_int_equal(a, b);
	pool_release(p, a, 10);
	/* one reference left: still active, nobody else gets it */
	assert_int_equal(pool_lease(p, &(struct pool_key){ .id_type = 2 }, 1000, &c), 0);
	assert_int_not_equal(c, a);
	pool_release(p, a, 20);
	assert_int_equal(pool_count(p, 20), 3);
	pool_free(p);
}

static void test_exhaustion(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 2) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2), k3 = key(3);
	uint32_t a1, a2, a3 = 0;

	(void)state;
	assert_int_equal(pool_lease(p, &k1, 0, &a1), 0);
	assert_int_equal(pool_lease(p, &k2, 0, &a2), 0);
	assert_int_not_equal(a1, a2);
	assert_int_equal(pool_lease(p, &k3, 0, &a3), -ENOSPC);
	assert_int_equal(a3, 0);
	/* the first two still get theirs */
	assert_int_equal(pool_lease(p, &k1, 1, &a3), 0);
	assert_int_equal(a3, a1);
	pool_free(p);
}

static void test_grace(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 1) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2);
	uint32_t a, b;

	(void)state;
	assert_int_equal(pool_lease(p, &k1, 100, &a), 0);
	pool_release(p, a, 100);
	/* in grace: nobody else gets it */
	assert_int_equal(pool_lease(p, &k2, 159, &b), -ENOSPC);
	assert_int_equal(pool_claim(p, &k2, a, 159), -EACCES);
	/* the same client does */
	assert_int_equal(pool_lease(p, &k1, 130, &b), 0);
	assert_int_equal(b, a);
	pool_release(p, a, 140);
	/* grace over: back in the pool, for anyone */
	assert_int_equal(pool_count(p, 199), 1);
	assert_int_equal(pool_count(p, 200), 0);
	assert_int_equal(pool_lease(p, &k2, 200, &b), 0);
	assert_int_equal(b, a);
	/* releasing twice or an unknown address does no harm */
	pool_release(p, b, 201);
	pool_release(p, b, 202);
	pool_release(p, IP(10, 9, 9, 9), 202);
	assert_int_equal(pool_count(p, 202), 1);
	pool_free(p);
}

static void test_ranges(void **state)
{
	static const uint32_t r[][2] = {
		{ IP(10, 2, 1, 1), IP(10, 2, 1, 2) },
		{ IP(10, 2, 3, 10), IP(10, 2, 3, 10) },
	};
	struct pool *p = mk(r, 2, 60);
	struct pool_key k[5];
	uint32_t a[4];
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++)
		k[i] = key(i + 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(pool_lease(p, &k[i], 0, &a[i]), 0);
	assert_int_equal(a[0], IP(10, 2, 1, 1));
	assert_int_equal(a[1], IP(10, 2, 1, 2));
	assert_int_equal(a[2], IP(10, 2, 3, 10));
	assert_int_equal(pool_lease(p, &k[3], 0, &a[3]), -ENOSPC);
	assert_true(pool_contains(p, IP(10, 2, 3, 10)));
	assert_false(pool_contains(p, IP(10, 2, 3, 11)));
	assert_false(pool_contains(p, IP(10, 2, 1, 0)));
	pool_free(p);
}

static void test_claim(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 10) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2);
	uint32_t a;

	(void)state;
	/* a client cannot pick an address, free or not, nor one outside the pool */
	assert_int_equal(pool_claim(p, &k1, IP(10, 2, 1, 5), 0), -EACCES);
	assert_int_equal(pool_claim(p, &k2, IP(10, 2, 2, 5), 0), -ERANGE);
	assert_int_equal(pool_count(p, 0), 0);
	/* its own lease it can claim again (re-authenticating without Mode-Config) */
	assert_int_equal(pool_lease(p, &k1, 0, &a), 0);
	assert_int_equal(a, IP(10, 2, 1, 1));
	assert_int_equal(pool_claim(p, &k1, a, 0), 0);
	/* also in grace, after both references went */
	pool_release(p, a, 1);
	pool_release(p, a, 1);
	assert_int_equal(pool_claim(p, &k1, a, 30), 0);
	/* but not another one, and nobody else takes its one */
	assert_int_equal(pool_claim(p, &k1, IP(10, 2, 1, 2), 30), -EACCES);
	assert_int_equal(pool_claim(p, &k2, a, 30), -EACCES);
	pool_free(p);
}

/* 'espgw pool show': text and JSON carry ranges, counts, leases and identities. */
static void test_show(void **state)
{
	static const uint32_t r[][2] = { { IP(10, 2, 1, 1), IP(10, 2, 1, 3) } };
	struct pool *p = mk(r, 1, 60);
	struct pool_key k1 = key(1), k2 = key(2);
	char *buf = NULL;
	size_t len = 0;
	struct jw w;
	uint32_t a;
	FILE *f;

	(void)state;
	memcpy(k2.id, "group-a@example", 15);
	k2.id_type = 3;
	k2.id_len = 15;
	assert_int_equal(pool_lease(p, &k1, 0, &a), 0);
	assert_int_equal(pool_lease(p, &k2, 0, &a), 0);
	pool_release(p, a, 10);
	f = open_memstream(&buf, &len);
	pool_show(p, NULL, f, 20);
	fclose(f);
	assert_non_null(strstr(buf, "pool ourpool: 10.2.1.1-10.2.1.3, 3 addresses, 1 in use, "
				    "1 in grace, 1 free\n"));
	assert_non_null(strstr(buf, "  10.2.1.1        active  198.51.100.1:500 id 198.51.100.1\n"));
	assert_non_null(strstr(buf, "  10.2.1.2        grace   198.51.100.2:500 id "
				    "group-a@example (50 s left)\n"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	jw_init(&w, f);
	pool_show(p, &w, f, 20);
	jw_end(&w);
	fclose(f);
	assert_non_null(strstr(buf, "\"name\":\"ourpool\""));
	assert_non_null(strstr(buf, "\"size\":3,\"in_use\":1,\"in_grace\":1,\"free\":1"));
	assert_non_null(strstr(buf, "\"address\":\"10.2.1.2\",\"state\":\"grace\","
				    "\"isakmp_sas\":0,\"grace_left\":50"));
	free(buf);
	pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_same_client),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_show),
	};

	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
