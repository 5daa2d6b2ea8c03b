// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal in the engine (RFC 3947), on the engine harness: NAT-D tells
 * who is behind a NAT, the client floats to 4500, Quick Mode is UDP-
 * encapsulated, keepalives keep the client's mapping, and an authenticated
 * message from a new mapping moves the SA while nothing else does.
 */
#include "engine_harness.h"

#include <linux/espgw.h>

#include "sa.h"

#define HOME		0xc0a80102	/* 192.168.1.2: the client behind its home router */
#define NAT_PORT	4501		/* the router's mapping of the client's port 4500 */

/* The client behind a NAT: its own address and ports are not what the gateway sees. */
static struct ike_init_conf natted(void)
{
	struct ike_init_conf c = eh_client_default();

	c.natt = true;
	c.natd_self_addr = htonl(HOME);
	c.natd_self_port = htons(500);
	c.natd_gw_addr = htonl(EH_GW);
	c.natd_gw_port = htons(500);
	return c;
}

/* The exchange as a NATed client runs it: Main Mode on 500, then everything on 4500. */
static void connect_natted_as(struct eh *h, struct ike_init *c, uint32_t pub, uint16_t port)
{
	struct sockaddr_in from500 = eh_addr(pub, 500), from = eh_addr(pub, port);
	struct sockaddr_in gw = eh_addr(EH_GW, 4500);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	eh_send_from(h, b, (size_t)ike_init_mm1(c, b, sizeof(b)), &from500);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(ike_init_mm2(c, d->buf, d->len), 0);
	assert_true(c->natt);				/* the gateway does NAT-T */
	eh_send_from(h, b, (size_t)ike_init_mm3(c, b, sizeof(b)), &from500);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(ike_init_mm4(c, d->buf, d->len), 0);
	assert_true(c->nat_self);			/* it saw our NAT */
	assert_false(c->nat_gw);
	/* the float: MM5 from 4500 (mapped to port) to the gateway's 4500 */
	eh_send_to(h, b, (size_t)ike_init_mm5(c, b, sizeof(b)), &from, &gw);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(d->from.sin_port, htons(4500));
	assert_int_equal(d->to.sin_port, htons(port));
	assert_int_equal(ike_init_mm6(c, d->buf, d->len), 0);
	eh_send_to(h, b, (size_t)ike_init_request(c, b, sizeof(b)), &from, &gw);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(ike_init_reply(c, d->buf, d->len), 0);
	eh_send_to(h, b, (size_t)ike_init_qm1(c, 0, b, sizeof(b)), &from, &gw);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(c, d->buf, d->len), 0);	/* UDP tunnel mode accepted */
	eh_send_to(h, b, (size_t)ike_init_qm3(c, b, sizeof(b)), &from, &gw);
	assert_null(eh_recv(h));
}

static void connect_natted(struct eh *h, uint32_t pub, uint16_t port)
{
	connect_natted_as(h, &h->ini, pub, port);
}

static void test_client_behind_nat(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h = eh_new(EH_CONF_PULL, &c);
	const struct eh_dgram *d;

	const struct espgw_sa *in, *out;

	(void)state;
	connect_natted(h, EH_CLIENT, NAT_PORT);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	out = kernel_fake_sa(h->k, htonl(EH_CLIENT), h->ini.spi_in);
	in = kernel_fake_sa(h->k, htonl(EH_GW), h->ini.spi_out);
	assert_non_null(out);
	assert_non_null(in);
	/* ESP in UDP between our 4500 and the client's mapping, both ways */
	assert_true(out->have & (1u << ESPGW_A_SA_ENCAP));
	assert_int_equal(out->encap_type, ESPGW_ENCAP_TYPE_ESPINUDP);
	assert_int_equal(out->encap_lport, 4500);
	assert_int_equal(out->encap_pport, NAT_PORT);
	assert_int_equal(in->encap_type, ESPGW_ENCAP_TYPE_ESPINUDP);
	assert_int_equal(in->encap_pport, NAT_PORT);
	assert_non_null(strstr(eh_show(h), "nat=peer"));
	assert_non_null(strstr(eh_show(h), "sport=4501"));
	/* keepalives: one 0xFF byte from 4500 to the client's mapping, every 20 s */
	eh_advance(h, 21);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(d->len, 1);
	assert_int_equal(d->buf[0], 0xff);
	assert_int_equal(d->from.sin_port, htons(4500));
	assert_int_equal(d->to.sin_port, htons(NAT_PORT));
	eh_free(h);
}

/* A client of draft-ietf-ipsec-nat-t-ike-02: its VID, NAT-D 130, UDP tunnel mode 61443. */
static void test_draft_02(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h;

	(void)state;
	c.natt_draft = true;
	h = eh_new(EH_CONF_PULL, &c);
	connect_natted(h, EH_CLIENT, NAT_PORT);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_non_null(strstr(eh_show(h), "nat=peer"));
	eh_free(h);
}

/* No NAT: NAT-T agreed, no float, plain ESP; a UDP-encapsulated Quick Mode is refused. */
static void test_no_nat(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h;

	(void)state;
	c.natd_self_addr = htonl(EH_CLIENT);
	h = eh_new(EH_CONF_PULL, &c);
	eh_connect(h);
	assert_false(h->ini.nat_self);
	assert_false(h->ini.nat_gw);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_non_null(strstr(eh_show(h), "nat=none"));
	eh_advance(h, 30);
	assert_null(eh_recv(h));			/* no keepalives */
	eh_free(h);
}

/* 'no crypto ipsec nat-transparency udp-encapsulation': no NAT-T VID, no NAT-D. */
static void test_natt_off(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h = eh_new(EH_CONF_PULL "no crypto ipsec nat-transparency udp-encapsulation\n",
			      &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	(void)state;
	d = eh_ask(h, b, ike_init_mm1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm2(&h->ini, d->buf, d->len), 0);
	assert_false(h->ini.natt);
	eh_free(h);
}

/* 'espgw nat-transparency force': the client sees the gateway "behind a NAT" and floats. */
static void test_force(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h;
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	(void)state;
	c.natd_self_addr = htonl(EH_CLIENT);		/* no NAT at all */
	h = eh_new(EH_CONF_PULL "espgw nat-transparency force\n", &c);
	d = eh_ask(h, b, ike_init_mm1(&h->ini, b, sizeof(b)));
	assert_int_equal(ike_init_mm2(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm3(&h->ini, b, sizeof(b)));
	assert_int_equal(ike_init_mm4(&h->ini, d->buf, d->len), 0);
	assert_false(h->ini.nat_self);
	assert_true(h->ini.nat_gw);
	eh_free(h);
}

/*
 * Rebinding: the client's NAT gives it a new port; its next authenticated
 * message moves the ISAKMP SA and the outbound ESP SA there. A forged one
 * from yet another port moves nothing.
 */
static void test_rebinding(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h = eh_new(EH_CONF_PULL, &c);
	struct sockaddr_in gw = eh_addr(EH_GW, 4500), moved = eh_addr(EH_CLIENT, 4600);
	struct sockaddr_in forged = eh_addr(EH_CLIENT, 4700);
	uint8_t b[IKE_INIT_MSG_MAX];
	int len;

	(void)state;
	connect_natted(h, EH_CLIENT, NAT_PORT);
	len = ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 3, b, sizeof(b));
	b[len - 1] ^= 1;				/* not authentic */
	eh_send_to(h, b, (size_t)len, &forged, &gw);
	assert_null(eh_recv(h));
	assert_non_null(strstr(eh_show(h), "sport=4501"));
	assert_int_equal(kernel_fake_calls(h->k, KFAKE_SA_MOVE), 0);
	len = ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 4, b, sizeof(b));
	eh_send_to(h, b, (size_t)len, &moved, &gw);
	assert_non_null(eh_recv(h));			/* the ACK, to the new mapping */
	assert_int_equal(h->out[h->nout - 1].to.sin_port, htons(4600));
	assert_non_null(strstr(eh_show(h), "sport=4600"));
	assert_int_equal(kernel_fake_calls(h->k, KFAKE_SA_MOVE), 2);	/* out and in */
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), h->ini.spi_in));
	eh_free(h);
}

/*
 * Two clients behind one NAT (one public address, two ports) with the same identity
 * (the group's key ID, as Cisco clients send it): the second one's INITIAL-CONTACT
 * is not about the first, whose SAs stay; the first one's own INITIAL-CONTACT when
 * it comes back from its mapping replaces only its older SA.
 */
static void test_neighbours_initial_contact(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h = eh_new(EH_CONF_PULL, &c);
	struct ike_init b, a2;
	uint32_t a_spi;

	(void)state;
	connect_natted(h, EH_CLIENT, NAT_PORT);
	a_spi = h->ini.spi_in;
	c.initial_contact = true;
	c.natd_self_addr = htonl(HOME + 1);
	assert_int_equal(ike_init_setup(&b, &c, NULL), 0);
	connect_natted_as(h, &b, EH_CLIENT, NAT_PORT + 1);
	assert_int_equal(kernel_fake_nsas(h->k), 4);
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), a_spi));
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), b.spi_in));
	assert_non_null(strstr(eh_show(h), "sport=4501"));
	assert_non_null(strstr(eh_show(h), "sport=4502"));
	/* the first client restarts: INITIAL-CONTACT from its own mapping */
	c.natd_self_addr = htonl(HOME);
	assert_int_equal(ike_init_setup(&a2, &c, NULL), 0);
	connect_natted_as(h, &a2, EH_CLIENT, NAT_PORT);
	assert_int_equal(kernel_fake_nsas(h->k), 4);
	assert_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), a_spi));
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), a2.spi_in));
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), b.spi_in));
	ike_init_clear(&b);
	ike_init_clear(&a2);
	eh_free(h);
}

/* The kernel saw the client's ESP from a new mapping: everything moves there. */
static void test_kernel_mapping(void **state)
{
	struct ike_init_conf c = natted();
	struct eh *h = eh_new(EH_CONF_PULL, &c);
	struct espgw_sa ks = { 0 };
	const struct espgw_sa *in;

	(void)state;
	connect_natted(h, EH_CLIENT, NAT_PORT);
	ks.dst = htonl(EH_GW);
	ks.spi = h->ini.spi_out;			/* our inbound SA */
	ks.dir = ESPGW_DIR_IN;
	ks.mapping_addr = htonl(EH_CLIENT);
	ks.mapping_port = 40123;
	ike_kernel_mapping(h->e, &ks);
	assert_non_null(strstr(eh_show(h), "sport=40123"));
	assert_int_equal(kernel_fake_calls(h->k, KFAKE_SA_MOVE), 2);
	in = kernel_fake_sa(h->k, htonl(EH_GW), h->ini.spi_out);
	assert_non_null(in);
	/* an event that names an outbound SA (the kernel never sends one) is ignored */
	ks.dst = htonl(EH_CLIENT);
	ks.spi = h->ini.spi_in;
	ks.mapping_port = 40999;
	ike_kernel_mapping(h->e, &ks);
	assert_non_null(strstr(eh_show(h), "sport=40123"));
	/* IKE goes to the new mapping too: DPD's R-U-THERE-ACK, keepalives */
	eh_advance(h, 21);
	assert_int_equal(h->out[h->nout - 1].to.sin_port, htons(40123));
	eh_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_behind_nat),
		cmocka_unit_test(test_draft_02),
		cmocka_unit_test(test_no_nat),
		cmocka_unit_test(test_natt_off),
		cmocka_unit_test(test_force),
		cmocka_unit_test(test_rebinding),
		cmocka_unit_test(test_kernel_mapping),
		cmocka_unit_test(test_neighbours_initial_contact),
	};

	return cmocka_run_group_tests_name("ike_natt", tests, NULL, NULL);
}
