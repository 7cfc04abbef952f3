# cmake -DIN=file -DOUT=file.c -P embed.cmake: a file as a C byte array
# (qc_demo_data / qc_demo_data_len).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n#include <stddef.h>\nconst unsigned char qc_demo_data[] = {\n${bytes}0x00\n};\nconst size_t qc_demo_data_len = ${len};\n")
