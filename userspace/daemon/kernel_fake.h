/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel for tests and the engine fuzzer: it keeps SAs, policies and
 * routes the way espgw.ko and the routing table would (an SA is unique by
 * destination and SPI, -EEXIST otherwise; a policy by id) and lets a test
 * look at them or make the next call of one kind fail.
 */
#ifndef _ESPGW_KERNEL_FAKE_H_
#define _ESPGW_KERNEL_FAKE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

enum kernel_fake_op {
	KFAKE_SA_ADD,
	KFAKE_SA_DEL,
	KFAKE_SA_MOVE,
	KFAKE_POLICY_ADD,
	KFAKE_POLICY_DEL,
	KFAKE_ROUTE_ADD,
	KFAKE_ROUTE_DEL,
	KFAKE_DEV_SETUP,
	KFAKE_NOPS,
};

struct kernel *kernel_fake_new(void);
void kernel_fake_free(struct kernel *k);
/* dst network order, spi host order: the SA, or NULL */
const struct espgw_sa *kernel_fake_sa(struct kernel *k, uint32_t dst, uint32_t spi);
size_t kernel_fake_nsas(struct kernel *k);
size_t kernel_fake_npolicies(struct kernel *k);
size_t kernel_fake_nroutes(struct kernel *k);
/* the policy with this id, or NULL */
const struct espgw_policy *kernel_fake_policy(struct kernel *k, uint32_t id);
/* the n-th SA (0..nsas-1), for tests that walk them */
const struct espgw_sa *kernel_fake_sa_at(struct kernel *k, size_t n);
/* The next call of op fails with err (a negative errno). */
void kernel_fake_fail_next(struct kernel *k, enum kernel_fake_op op, int err);
/* The call of op after the next skip ones fails with err. */
void kernel_fake_fail_after(struct kernel *k, enum kernel_fake_op op, unsigned int skip, int err);
/* How many calls of op were made. */
unsigned int kernel_fake_calls(struct kernel *k, enum kernel_fake_op op);

#endif /* _ESPGW_KERNEL_FAKE_H_ */
