from .xlsx_stream import StreamWorksheet, excel_serial
