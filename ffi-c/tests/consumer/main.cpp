// A POS build consuming the installed package: prints the version and a canonical string.
#include <wallet_partner.hpp>

#include <cstdio>

int main() {
    std::printf("wallet_partner %s %s\n", wp_version(), wallet_partner::canonical_string("{\"b\":true,\"a\":[4,5]}").c_str());
    return wallet_partner::canonical_string("{\"b\":true,\"a\":[4,5]}") == "a:0:4;a:1:5;b:1" ? 0 : 1;
}
