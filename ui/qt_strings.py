"""Qt's own words (standard buttons, the file dialog, text-field menus) in Indonesian.

PySide6 ships no qtbase_id.qm, so without this a message box says "Yes"/"No" and the file dialog
"Look in:" in an Indonesian app. `IndonesianQtTranslator` answers Qt's translate() calls for the few
contexts people see; anything not listed keeps Qt's English. Key names (the QShortcut and QKeySequence
contexts: "Ctrl", "Shift") are deliberately not translated: shortcuts are matched on them.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

# context -> {Qt's English source text: Indonesian}. Mnemonics (&) where Qt has them.
QT_INDONESIAN: dict[str, dict[str, str]] = {
    "QPlatformTheme": {
        "OK": "OK",
        "&OK": "&OK",
        "Save": "Simpan",
        "&Save": "&Simpan",
        "Save All": "Simpan semua",
        "Open": "Buka",
        "&Yes": "&Ya",
        "Yes to &All": "Ya untuk &semua",
        "&No": "&Tidak",
        "N&o to All": "T&idak untuk semua",
        "Abort": "Hentikan",
        "Retry": "Coba lagi",
        "Ignore": "Abaikan",
        "Close": "Tutup",
        "Cancel": "Batal",
        "&Cancel": "&Batal",
        "Discard": "Buang",
        "Don't Save": "Jangan simpan",
        "Close without Saving": "Tutup tanpa menyimpan",
        "Help": "Bantuan",
        "Apply": "Terapkan",
        "Reset": "Atur ulang",
        "Restore Defaults": "Kembalikan bawaan",
    },
    "QMessageBox": {
        "Show Details...": "Tampilkan rincian…",
        "Hide Details...": "Sembunyikan rincian…",
        "OK": "OK",
    },
    "QFileDialog": {
        "&Look in:": "&Lihat di:",
        "Look in:": "Lihat di:",
        "File &name:": "&Nama berkas:",
        "File name:": "Nama berkas:",
        "Files of &type:": "&Jenis berkas:",
        "Files of type:": "Jenis berkas:",
        "&Open": "&Buka",
        "Open": "Buka",
        "&Save": "&Simpan",
        "Save": "Simpan",
        "Save As": "Simpan sebagai",
        "&Choose": "&Pilih",
        "Cancel": "Batal",
        "All Files (*)": "Semua berkas (*)",
        "Directories": "Folder",
        "Directory:": "Folder:",
        "Find Directory": "Cari folder",
        "Files": "Berkas",
        "Back": "Kembali",
        "Forward": "Maju",
        "Go back": "Kembali",
        "Go forward": "Maju",
        "Parent Directory": "Folder induk",
        "Go to the parent directory": "Ke folder induk",
        "Create New Folder": "Buat folder baru",
        "Create a New Folder": "Buat folder baru",
        "New Folder": "Folder baru",
        "&New Folder": "Folder &baru",
        "&Rename": "&Ganti nama",
        "&Delete": "&Hapus",
        "Show &hidden files": "Tampilkan berkas &tersembunyi",
        "List View": "Tampilan daftar",
        "Detail View": "Tampilan rinci",
        "Change to list view mode": "Ganti ke tampilan daftar",
        "Change to detail view mode": "Ganti ke tampilan rinci",
        "Sidebar": "Panel samping",
        "List of places and bookmarks": "Daftar tempat dan penanda",
        "Recent Places": "Tempat terakhir",
        "My Computer": "Komputer",
        "Computer": "Komputer",
        "Delete": "Hapus",
        "Are you sure you want to delete '%1'?": "Yakin ingin menghapus '%1'?",
        "'%1' is write protected.\nDo you want to delete it anyway?": (
            "'%1' dilindungi dari penulisan.\nTetap hapus?"
        ),
        "Could not delete directory.": "Folder tidak dapat dihapus.",
        "%1 already exists.\nDo you want to replace it?": "%1 sudah ada.\nGanti berkas itu?",
        "%1\nFile not found.\nPlease verify the correct file name was given.": (
            "%1\nBerkas tidak ditemukan.\nPeriksa apakah nama berkasnya benar."
        ),
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.": (
            "%1\nFolder tidak ditemukan.\nPeriksa apakah nama foldernya benar."
        ),
    },
    "QFileSystemModel": {
        "Name": "Nama",
        "Size": "Ukuran",
        "Type": "Jenis",
        "Kind": "Jenis",
        "Date Modified": "Tanggal diubah",
        "Computer": "Komputer",
        "My Computer": "Komputer",
    },
    "QAbstractFileIconProvider": {"Drive": "Drive", "Folder": "Folder", "File": "Berkas"},
    "QLineEdit": {
        "&Undo": "&Urungkan",
        "&Redo": "&Ulangi",
        "Cu&t": "Po&tong",
        "&Copy": "&Salin",
        "&Paste": "&Tempel",
        "Delete": "Hapus",
        "Select All": "Pilih semua",
    },
    "QWidgetTextControl": {
        "&Undo": "&Urungkan",
        "&Redo": "&Ulangi",
        "Cu&t": "Po&tong",
        "&Copy": "&Salin",
        "Copy &Link Location": "Salin &alamat tautan",
        "&Paste": "&Tempel",
        "Delete": "Hapus",
        "Select All": "Pilih semua",
    },
    "QPrintDialog": {"Print": "Cetak", "&Print": "&Cetak", "Cancel": "Batal"},
    "QPrintPreviewDialog": {"Print Preview": "Pratinjau cetak", "Print": "Cetak", "Close": "Tutup"},
    "QColorDialog": {"Select Color": "Pilih warna"},
}


class IndonesianQtTranslator(QTranslator):
    """Qt's standard strings in Indonesian, from QT_INDONESIAN. A string not in the table answers None
    (a null QString), so Qt keeps its English: an empty string would be taken as the translation, and every
    other Qt text (the line edit's context menu, error strings) would come out blank."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return QT_INDONESIAN.get(context, {}).get(source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False
