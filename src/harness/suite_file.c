/* placeholder: replaced by its implementation */
typedef int ob_placeholder_suite_file;
