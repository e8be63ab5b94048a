"""Readers turn files (partner workbooks, PDF forms) into the typed model, naming the cell of every problem."""
