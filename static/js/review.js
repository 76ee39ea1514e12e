// Review ranking: sort the table by a column (buttons in its header), numbers from data-value.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.sortable")) {
    const body = table.tBodies[0];
    let last = null;
    let descending = false;
    for (const button of table.querySelectorAll("button.sort")) {
      button.addEventListener("click", () => {
        const col = Number(button.dataset.col);
        descending = last === col ? !descending : col !== 0;
        last = col;
        const rows = [...body.rows];
        rows.sort((a, b) => {
          const x = Number(a.cells[col].dataset.value), y = Number(b.cells[col].dataset.value);
          return descending ? y - x : x - y;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    }
  }
});
