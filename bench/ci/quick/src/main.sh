#!/bin/sh
echo "hello from the quick benchmark app"
