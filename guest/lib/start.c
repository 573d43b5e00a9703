/* C side of process start-up: protection set-up for sealed programs, TLS, constructors, main, exit. */
#include <stdlib.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

extern char __tls_base[];
extern void _set_tls(void *tls);
extern void __libc_init_array(void);
extern int main(int argc, char **argv, char **envp);

/* Set when the process runs in encrypted execution mode (see protected.c). */
int __cloak_encrypted;
void __cloak_protect_process(void);

_Noreturn void __cloak_start(long *sp, long encrypted);

_Noreturn void __cloak_start(long *sp, long encrypted)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    /* The loader placed .tdata and .tbss at their run address with the program's segments, so
       the thread pointer only has to point there. */
    _set_tls(__tls_base);
    if (encrypted) {
        __cloak_encrypted = 1;
        __cloak_protect_process();
    }
    __libc_init_array();
    exit(main(argc, argv, envp));
}
