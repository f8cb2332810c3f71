/* The document of a practice, as json_build_object writes it in
 * practice_docs (migrations/0003): `{"key" : value, ...}`, strings with
 * PostgreSQL's escapes (buf_json_str makes the same), the JSON parts as
 * practice_rows gives them. Pure: no SQL. */
#include "bdp/practice_doc.h"

#include <stdbool.h>

/* Each column's key with what comes before it, and whether its text is a
 * string to escape (else JSON already, or a number). */
static const struct {
    const char *lead;
    bool string;
} columns[PRACTICE_DOC_COLUMNS] = {
    {"{\"id\" : ", false},           {", \"title\" : ", true},
    {", \"status\" : ", true},       {", \"category_ids\" : ", false},
    {", \"categories\" : ", false},  {", \"unit_id\" : ", false},
    {", \"unit\" : ", false},        {", \"participant_unit_ids\" : ", false},
    {", \"summary\" : ", true},      {", \"sections\" : ", false},
    {", \"implementer\" : ", false}, {", \"partners\" : ", false},
    {", \"contacts\" : ", false},    {", \"attachments\" : ", false},
    {", \"keywords\" : ", false},    {", \"entered_on\" : ", false},
    {", \"revised_on\" : ", false},  {", \"source\" : ", true},
    {", \"external_id\" : ", true},  {", \"version\" : ", false},
    {", \"created_at\" : ", true},   {", \"updated_at\" : ", true},
};

void practice_doc_write(struct buf *out, const PGresult *r, int row, int col)
{
    for (int i = 0; i < PRACTICE_DOC_COLUMNS; i++) {
        buf_puts(out, columns[i].lead);
        if (PQgetisnull(r, row, col + i))
            buf_puts(out, "null");
        else if (columns[i].string)
            buf_json_str(out, PQgetvalue(r, row, col + i));
        else
            buf_append(out, PQgetvalue(r, row, col + i), (size_t)PQgetlength(r, row, col + i));
    }
    buf_puts(out, "}");
}
