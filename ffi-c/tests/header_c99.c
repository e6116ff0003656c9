/* Compiled with -std=c99 -pedantic -Wall -Wextra -Werror: the header is valid C99. */
#include "wallet_partner.h"

int wp_header_c99_check(void);
int wp_header_c99_check(void) { return (int)sizeof(wp_bytes) + (int)WP_STATE_UNKNOWN + (int)WP_OK; }
