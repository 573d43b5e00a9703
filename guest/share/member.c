/*
 * One sealed program for both roles of the attested exchange (docs/attestation.md): owner.c and
 * client.c linked together, the role chosen by argv[0] ("owner" or "client", as the demo starts them).
 * Both sides then have one measurement, and each can expect the peer's to equal its own: no
 * measurement needs provisioning, which two programs could not do for each other (each image's
 * measurement covers its provisioned data, so each would have to contain the other's first).
 */
#include <string.h>
#include "common.h"

int share_owner_main(int argc, char **argv);
int share_client_main(int argc, char **argv);

int main(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "owner") == 0) return share_owner_main(argc, argv);
    if (argc > 0 && strcmp(argv[0], "client") == 0) return share_client_main(argc, argv);
    printf("usage: argv[0] must be owner or client\n");
    return 2;
}
