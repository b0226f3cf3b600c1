"""Date and time formats per language (FORMAT_MODULE_PATH): templates and messages name a
format (`{{ day|date:"DATE_FORMAT" }}`) and each language writes it its own way."""
