// Compiled with -std=c++11 -pedantic -Wall -Wextra -Werror: both headers are valid C++11.
#include "wallet_partner.h"
#include "wallet_partner.hpp"

int wp_header_cxx11_check();
int wp_header_cxx11_check() { return static_cast<int>(wallet_partner::State::Unknown) + static_cast<int>(sizeof(wp_bytes)); }
