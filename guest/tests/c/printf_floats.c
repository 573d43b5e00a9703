/*
 * printf_floats: picolibc 1.8's default printf is the double variant
 * (vfprintf is __d_vfprintf), so %f/%e/%g work without extra link flags.
 * The doubles are soft-float (lp64 ABI, no F/D extension): every + - * /
 * below runs libgcc integer code, so this is also an integer workout.
 */
#include <stdio.h>

#include "check.h"

int main(void)
{
    volatile double two = 2.0, three = 3.0; /* keep the arithmetic at run time */
    double third = 1.0 / three;
    double harmonic = 0.0;
    for (int k = 1; k <= 10; k++)
        harmonic += 1.0 / (double)k;

    printf("[%f] [%.2f] [%.0f] [%.0f] [%.0f]\n", 3.5, two / three, 2.5, 3.5, -1.5);
    printf("[%e] [%.3e] [%E]\n", 12345.678, 0.000123456, 1e300);
    printf("[%g] [%g] [%g] [%g] [%.10g]\n", 0.0001, 0.00001, 123456.0, 1234567.0, third);
    printf("[%10.3f] [%-10.3f] [%+.1f] [%010.2f]\n", 3.14159, 3.14159, 2.0, -1.5);
    printf("[%f] [%f]\n", -0.0, 1.0 / 1024.0);
    printf("harmonic(10) = %.15f\n", harmonic);
    printf("products: [%.1f] [%.17g]\n", 1.5 * two * three, 0.1 + 0.2);

    /*
     * picolibc 1.8 quirk: %.0f rounds exactly +-0.5 away from zero ("1", "-1")
     * although it rounds 2.5 to even ("2"); glibc prints "0" and "-0". Kept
     * here because the simulator must reproduce the library's bytes.
     */
    printf("half: [%.0f] [%.0f] [%.1f] [%.2f]\n", 0.5, -0.5, 0.25, 0.125);

    CHECK(third * three == 1.0);
    CHECK(two * two == 4.0);
    CHECK((long)(harmonic * 1000.0) == 2928);
    check_exit(0);
}
