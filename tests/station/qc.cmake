# QC checklists and the inspection workflow (issue 3): pure, no store.
qc_unit_test(test_checklist test_checklist.c LIBS st)
qc_unit_test(test_qc test_qc.c LIBS st)
