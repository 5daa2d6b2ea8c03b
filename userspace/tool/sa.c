// SPDX-License-Identifier: GPL-2.0
/* espgw sa add|delete|show|flush|help */

#include <errno.h>
#include <stdio.h>

#include <linux/espgw.h>

#include "args.h"
#include "espgw.h"
#include "request.h"
#include "sa.h"
#include "util.h"

static int sa_add(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	/* built first: msg is only set once the request exists */
	int ret = espgw_req_sa_add(argc, argv, &msg, &e);

	if (e.key_in_argv)
		fprintf(stderr, "espgw: warning: a key on the command line is visible to other "
			"users (ps): use @FILE or @-\n");
	return tool_send("sa add", ret, msg, &e);
}

static int sa_delete(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	/* built first: msg is only set once the request exists */
	int ret = espgw_req_sa_delete(argc, argv, &msg, &e);

	return tool_send("sa delete", ret, msg, &e);
}

static int sa_flush(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_flush("sa flush", ESPGW_FLUSH_WHAT_SA, argc, argv, &msg, &e);

	return tool_send("sa flush", ret, msg, &e);
}

struct show {
	struct out out;
	struct espgw_sa filter;	/* dst and/or spi to match in a dump */
};

static int show_reply(struct nl_msg *msg, void *arg)
{
	struct show *s = arg;
	const struct espgw_sa *f = &s->filter;
	struct espgw_sa sa;

	if (espgw_sa_parse(msg, &sa))
		return -EBADMSG;
	if ((f->have & BIT(ESPGW_A_SA_DST)) && sa.dst != f->dst)
		return 0;
	if ((f->have & BIT(ESPGW_A_SA_SPI)) && sa.spi != f->spi)
		return 0;
	espgw_sa_print(&sa, NULL, &s->out);
	return 0;
}

/* sa-get for one SA (dst and spi given), a dump filtered by what was given otherwise */
static struct nl_msg *show_request(const struct espgw_sa *filter)
{
	uint32_t both = BIT(ESPGW_A_SA_DST) | BIT(ESPGW_A_SA_SPI);
	struct nl_msg *msg;

	if ((filter->have & both) != both)
		return espgw_req(ESPGW_CMD_SA_GET, NLM_F_DUMP);
	msg = espgw_req(ESPGW_CMD_SA_GET, 0);
	if (msg && espgw_sa_put(msg, filter)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int sa_show(int argc, char **argv)
{
	struct show s;
	struct argerr e;
	struct jw jw;
	int ret;

	if (espgw_args_sa_id("sa show", argc, argv, false, &s.filter, &e))
		return tool_arg_error(&e);
	tool_out_begin(&s.out, &jw, true);
	ret = tool_request("sa show", show_request(&s.filter), show_reply, &s);
	tool_out_end(&s.out, true);
	return ret;
}

static int sa_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: espgw sa add src ADDR dst ADDR spi SPI dir { in | out }\n"
	       "                    enc ALG KEY [ auth ALG KEY ] [ replay-window N ] [ legacy ]\n"
	       "                    [ sel src PREFIX dst PREFIX [ proto PROTO ] ]\n"
	       "                    [ { soft | hard }-{ bytes | packets | secs } N ]...\n"
	       "                    [ encap espinudp sport PORT dport PORT | encap none ]\n"
	       "       espgw sa delete dst ADDR spi SPI\n"
	       "       espgw [ -s ] [ -o ] sa show [ dst ADDR ] [ spi SPI ]\n"
	       "       espgw sa flush\n"
	       "SPI := decimal or 0x hex    KEY := @FILE | @- | hex digits, with or without 0x\n"
	       "  @FILE: the key (hex) in FILE; @-: a line of standard input (one line a key,\n"
	       "  in order); a key given as hex is visible to other users (ps) while it runs\n"
	       "PREFIX := a.b.c.d[/len]     PROTO := any | icmp | tcp | udp | NUMBER\n"
	       "ALG (enc) := aes-gcm-16 (aes-gcm) | chacha20-poly1305 | aes-cbc (aes)\n"
	       "             | 3des-cbc (3des) | des-cbc (des)\n"
	       "ALG (auth) := hmac-sha256-128 (hmac-sha256) | hmac-sha1-96 (hmac-sha1)\n"
	       "              | hmac-md5-96 (hmac-md5)\n"
	       "AEAD keys (aes-gcm-16, chacha20-poly1305) end with the 4-byte salt.\n"
	       "DES, 3DES and HMAC-MD5 need 'legacy'; an inbound SA needs 'sel'.\n"
	       "encap espinudp: ESP in UDP (NAT-T, RFC 3948); sport and dport are the UDP ports\n"
	       "  of the SA's packets as src and dst are their addresses (inbound: the peer's\n"
	       "  port, then 4500), and espgwd's UDP_ENCAP socket must hold the local one.\n");
	return EXIT_OK;
}

static const struct verb sa_verbs[] = {
	{ "show", sa_show },
	{ "add", sa_add },
	{ "delete", sa_delete },
	{ "flush", sa_flush },
	{ "list", sa_show },
	{ "help", sa_help },
};

int do_sa(int argc, char **argv)
{
	return tool_verb("sa", sa_verbs, ARRAY_SIZE(sa_verbs), argc, argv);
}
