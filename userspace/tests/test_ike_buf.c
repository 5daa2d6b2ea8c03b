// SPDX-License-Identifier: GPL-2.0
/* The bounds-checked reader/writer under every IKE parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

static void test_read_be(void **state)
{
	struct rbuf r;
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint8_t d[2];

	(void)state;
	rbuf_init(&r, data, sizeof(data));
	assert_true(rbuf_u8(&r, &a));
	assert_true(rbuf_u16(&r, &b));
	assert_true(rbuf_u32(&r, &c));
	assert_true(rbuf_bytes(&r, d, 2));
	assert_int_equal(a, 0x01);
	assert_int_equal(b, 0x0203);
	assert_int_equal(c, 0x04050607);
	assert_int_equal(d[0], 0x08);
	assert_int_equal(d[1], 0x09);
	assert_int_equal(rbuf_left(&r), 0);
	assert_true(rbuf_ok(&r));
}

static void test_read_short_is_sticky(void **state)
{
	struct rbuf r;
	uint32_t v = 0xdeadbeef;
	uint8_t u;

	(void)state;
	rbuf_init(&r, data, 3);
	assert_false(rbuf_u32(&r, &v));
	assert_int_equal(v, 0xdeadbeef);	/* untouched on failure */
	assert_false(rbuf_ok(&r));
	/* after an error even a read that would fit fails */
	assert_false(rbuf_u8(&r, &u));
	assert_int_equal(rbuf_left(&r), 0);
}

static void test_read_each_size_at_end(void **state)
{
	struct rbuf r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	const uint8_t *p;

	(void)state;
	rbuf_init(&r, data, 1);
	assert_false(rbuf_u16(&r, &u16));
	rbuf_init(&r, data, 0);
	assert_false(rbuf_u8(&r, &u8));
	rbuf_init(&r, data, 3);
	assert_false(rbuf_u32(&r, &u32));
	rbuf_init(&r, data, 4);
	assert_false(rbuf_ptr(&r, 5, &p));
	rbuf_init(&r, data, 4);
	assert_false(rbuf_skip(&r, SIZE_MAX));	/* no wrap-around */
	rbuf_init(&r, data, 4);
	assert_true(rbuf_skip(&r, 2));
	assert_false(rbuf_ptr(&r, SIZE_MAX - 1, &p));
	rbuf_init(&r, NULL, 10);		/* NULL means empty */
	assert_int_equal(rbuf_left(&r), 0);
	assert_false(rbuf_u8(&r, &u8));
}

static void test_sub_and_ptr(void **state)
{
	struct rbuf r, s;
	const uint8_t *p;
	uint16_t v;
	uint8_t u;

	(void)state;
	rbuf_init(&r, data, sizeof(data));
	assert_true(rbuf_skip(&r, 1));
	assert_true(rbuf_sub(&r, 3, &s));
	assert_int_equal(rbuf_left(&r), 5);
	assert_int_equal(rbuf_left(&s), 3);
	assert_true(rbuf_u16(&s, &v));
	assert_int_equal(v, 0x0203);
	/* the sub-range ends where it was cut, not at the parent's end */
	assert_false(rbuf_u16(&s, &v));
	assert_true(rbuf_ptr(&r, 2, &p));
	assert_ptr_equal(p, data + 4);
	assert_false(rbuf_sub(&r, 4, &s));
	assert_false(rbuf_ok(&s));
	assert_false(rbuf_u8(&s, &u));
}

static void test_peek(void **state)
{
	struct rbuf r;
	uint8_t u;
	uint16_t v;

	(void)state;
	rbuf_init(&r, data, 4);
	assert_true(rbuf_skip(&r, 1));
	assert_true(rbuf_peek_u8(&r, 2, &u));
	assert_int_equal(u, 0x04);
	assert_false(rbuf_peek_u8(&r, 3, &u));
	assert_true(rbuf_peek_u16(&r, 1, &v));
	assert_int_equal(v, 0x0304);
	assert_false(rbuf_peek_u16(&r, 2, &v));
	assert_int_equal(rbuf_left(&r), 3);	/* peeking consumes nothing */
	rbuf_init(&r, data, 1);
	assert_false(rbuf_peek_u16(&r, 0, &v));
	assert_true(rbuf_ok(&r));		/* and a failed peek is not an error */
}

static void test_write(void **state)
{
	uint8_t out[12];
	struct wbuf w;
	static const uint8_t want[] = {
		0xaa, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x55,
	};

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_true(wbuf_u8(&w, 0xaa));
	assert_true(wbuf_u16(&w, 0x1234));
	assert_true(wbuf_u32(&w, 0xdeadbeef));
	assert_true(wbuf_zero(&w, 2));
	assert_true(wbuf_bytes(&w, "\x55", 1));
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(wbuf_room(&w), 2);
	assert_true(wbuf_set_u16(&w, 7, 0xcafe));
	assert_int_equal(out[7], 0xca);
	assert_int_equal(out[8], 0xfe);
	assert_true(wbuf_ok(&w));
}

static void test_write_overflow(void **state)
{
	uint8_t out[8] = { 0 };
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, 5);
	assert_true(wbuf_u32(&w, 0x01020304));
	assert_false(wbuf_u16(&w, 0xffff));
	assert_int_equal(out[4], 0);		/* nothing partial written */
	assert_false(wbuf_ok(&w));
	assert_false(wbuf_u8(&w, 1));		/* sticky */
	assert_int_equal(w.len, 4);
	assert_null(wbuf_reserve(&w, 0));

	wbuf_init(&w, out, 8);
	assert_true(wbuf_u16(&w, 1));
	assert_false(wbuf_set_u16(&w, 1, 2));	/* patching past what was written */
	wbuf_init(&w, out, 8);
	assert_true(wbuf_u16(&w, 1));
	assert_false(wbuf_set_u32(&w, SIZE_MAX, 2));
	wbuf_init(&w, out, 8);
	assert_false(wbuf_zero(&w, SIZE_MAX));
	wbuf_init(&w, out, 8);
	assert_true(wbuf_u16(&w, 0x0102));
	assert_true(wbuf_set_u8(&w, 1, 9));
	assert_false(wbuf_set_u8(&w, 2, 9));
	assert_int_equal(out[1], 9);
}

static void test_endian_helpers(void **state)
{
	uint8_t b[4];

	(void)state;
	put_be32(b, 0x80000001);
	assert_int_equal(b[0], 0x80);
	assert_int_equal(b[3], 0x01);
	assert_int_equal(get_be32(b), 0x80000001);
	put_be16(b, 0xfffe);
	assert_int_equal(get_be16(b), 0xfffe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_be),
		cmocka_unit_test(test_read_short_is_sticky),
		cmocka_unit_test(test_read_each_size_at_end),
		cmocka_unit_test(test_sub_and_ptr),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_overflow),
		cmocka_unit_test(test_endian_helpers),
	};

	return cmocka_run_group_tests_name("ike_buf", tests, NULL, NULL);
}
