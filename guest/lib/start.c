/* C side of process start-up: TLS, constructors, main, exit. */
#include <stdlib.h>
#include "cloak/cloak.h"

extern char __tls_base[];
extern void _set_tls(void *tls);
extern void __libc_init_array(void);
extern int main(int argc, char **argv, char **envp);

_Noreturn void __cloak_start(long *sp);

_Noreturn void __cloak_start(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    /* The loader placed .tdata and .tbss at their run address with the program's segments, so
       the thread pointer only has to point there. */
    _set_tls(__tls_base);
    __libc_init_array();
    exit(main(argc, argv, envp));
}
