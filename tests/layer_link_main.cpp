// The program of tests/CMakeLists.txt's layer link checks: it only has to link, with one layer's
// library linked whole and the layers below it.
int main() { return 0; }
