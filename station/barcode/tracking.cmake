# Carrier tracking numbers (UPS, FedEx, USPS): see docs/internals/tracking.md.
target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/tracking.c)
