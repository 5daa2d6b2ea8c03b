/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_ALG_H_
#define _ESPGW_ALG_H_

#include <linux/types.h>
#include <uapi/linux/espgw.h>

u32 espgw_alg_enc_available(void);
u32 espgw_alg_auth_available(void);

#endif /* _ESPGW_ALG_H_ */
