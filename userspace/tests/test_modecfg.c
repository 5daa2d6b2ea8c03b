// SPDX-License-Identifier: GPL-2.0
/* Mode-Config: which proxy ID a client may use in Quick Mode, and its lease's release. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "modecfg.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct sockaddr_in peer;

static struct pool *mk(void)
{
	struct conf_pool cp = { .name = "ourpool", .nranges = 1 };

	cp.ranges[0].first = IP(10, 2, 1, 1);
	cp.ranges[0].last = IP(10, 2, 1, 254);
	return pool_new(&cp, 60);
}

static void io_init(struct modecfg_io *io, struct modecfg_sa *st, struct pool *p, unsigned int n)
{
	uint32_t a = htonl(IP(198, 51, 100, n));

	memset(st, 0, sizeof(*st));
	*io = (struct modecfg_io){ .st = st, .conn_id = n, .peer = &peer, .pool = p };
	io->key.id_type = 1;
	io->key.id_len = 4;
	memcpy(io->key.id, &a, 4);
	io->key.addr = a;
	io->key.port = htons(500);
}

static void test_leased_only(void **state)
{
	struct pool *p = mk();
	struct modecfg_io io;
	struct modecfg_sa st;

	(void)state;
	io_init(&io, &st, p, 1);
	st.lease = IP(10, 2, 1, 1);	/* as after REQUEST/REPLY or SET/ACK */
	assert_int_equal(modecfg_check_proxy(&io, IP(10, 2, 1, 1)), 0);
	assert_int_equal(modecfg_check_proxy(&io, IP(10, 2, 1, 2)), -1);
	assert_int_equal(modecfg_check_proxy(&io, IP(198, 51, 100, 1)), -1);
	pool_free(p);
}

static void test_skipped_modecfg(void **state)
{
	struct pool *p = mk();
	struct modecfg_io a, b;
	struct modecfg_sa sa, sb;
	uint32_t x;

	(void)state;
	io_init(&a, &sa, p, 1);
	io_init(&b, &sb, p, 2);
	/* no Mode-Config: a client cannot pick a pool address, nor use another one */
	assert_int_equal(modecfg_check_proxy(&a, IP(10, 2, 1, 7)), -1);
	assert_int_equal(modecfg_check_proxy(&b, IP(198, 51, 100, 2)), -1);
	assert_int_equal(sa.lease, 0);
	assert_int_equal(pool_count(p, 0), 0);
	/* a client re-authenticating without Mode-Config may use its own lease */
	assert_int_equal(pool_lease(p, &a.key, 0, &x), 0);
	assert_int_equal(modecfg_check_proxy(&a, x), 0);
	assert_int_equal(sa.lease, x);
	/* another client cannot have it */
	assert_int_equal(modecfg_check_proxy(&b, x), -1);
	assert_int_equal(sb.lease, 0);
	/* released (both references): in grace for its client only, then free */
	modecfg_release(&a);
	pool_release(p, x, 0);
	assert_int_equal(sa.lease, 0);
	assert_int_equal(modecfg_check_proxy(&b, x), -1);
	assert_int_equal(pool_lease(p, &a.key, 30, &x), 0);	/* back within grace */
	assert_int_equal(x, IP(10, 2, 1, 1));
	pool_free(p);
}

static void test_no_pool(void **state)
{
	struct modecfg_io io;
	struct modecfg_sa st;

	(void)state;
	io_init(&io, &st, NULL, 1);
	/* without a pool a client's proxy ID is its own outside address, no other */
	assert_int_equal(modecfg_check_proxy(&io, IP(198, 51, 100, 1)), 0);
	assert_int_equal(modecfg_check_proxy(&io, IP(10, 2, 1, 7)), -1);
	assert_int_equal(modecfg_check_proxy(&io, IP(203, 0, 113, 10)), -1);
	modecfg_release(&io);
	assert_int_equal(st.lease, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leased_only),
		cmocka_unit_test(test_skipped_modecfg),
		cmocka_unit_test(test_no_pool),
	};

	inet_pton(AF_INET, "198.51.100.1", &peer.sin_addr);
	peer.sin_family = AF_INET;
	return cmocka_run_group_tests_name("modecfg", tests, NULL, NULL);
}
